using Harmonia.Core.Imaging;

namespace Harmonia.Core.Metrics;

/// <summary>Exact integer sums of squared 8-bit differences, the basis of MSE and fMSE.</summary>
public static class PixelErrors
{
    /// <summary>
    /// Sums (a − b)² over every pixel and channel, and over the pixels where <paramref name="foreground"/> is 1.
    /// Integer arithmetic, so the sums are exact (a 100-megapixel image stays far below <see cref="long.MaxValue"/>).
    /// </summary>
    /// <param name="a">W x H RGB.</param>
    /// <param name="b">Same size as <paramref name="a"/>.</param>
    /// <param name="foreground">W·H bytes, 1 = foreground, 0 = background.</param>
    public static (long Total, long Foreground) SquaredErrors(RgbImage a, RgbImage b, byte[] foreground) =>
        Sums(a, b, foreground);

    // Σ s and Σ w·s with s the squared error of a pixel and w its byte weight (0/1 binary, or a 0-255 level).
    static (long Total, long Masked) Sums(RgbImage a, RgbImage b, byte[] foreground)
    {
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"Images differ in size: {a.Width}x{a.Height} vs {b.Width}x{b.Height}.");
        if (foreground.Length != a.PixelCount) throw new ArgumentException("Foreground length must equal the pixel count.", nameof(foreground));
        long total = 0, fg = 0;
        object gate = new();
        Parallel.For(0, a.Height, () => (0L, 0L), (y, _, acc) =>
        {
            var ra = a.Row(y);
            var rb = b.Row(y);
            int row = y * a.Width;
            long t = 0, f = 0;
            for (int x = 0; x < a.Width; x++)
            {
                int o = 3 * x;
                int d0 = ra[o] - rb[o], d1 = ra[o + 1] - rb[o + 1], d2 = ra[o + 2] - rb[o + 2];
                long s = d0 * d0 + d1 * d1 + d2 * d2;
                t += s;
                f += foreground[row + x] * s;
            }
            return (acc.Item1 + t, acc.Item2 + f);
        }, acc =>
        {
            lock (gate)
            {
                total += acc.Item1;
                fg += acc.Item2;
            }
        });
        return (total, fg);
    }

    /// <summary>
    /// Sums (a − b)² over every pixel and channel, and level·(a − b)² with the pixel's soft mask level (0-255).
    /// Exact integer sums (a 100-megapixel image stays far below <see cref="long.MaxValue"/> even weighted by 255).
    /// </summary>
    /// <param name="a">W x H RGB.</param>
    /// <param name="b">Same size as <paramref name="a"/>.</param>
    /// <param name="levels">W·H soft mask levels, 0 = background, 255 = foreground.</param>
    public static (long Total, long Weighted) WeightedSquaredErrors(RgbImage a, RgbImage b, byte[] levels) =>
        Sums(a, b, levels);
}
