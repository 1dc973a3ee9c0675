using Harmonia.Core.Imaging;

namespace Harmonia.Video.Temporal;

/// <summary>The flicker of the input and output foregrounds over a video.</summary>
/// <param name="Input">Mean absolute frame-to-frame change of the input foreground's mean colour (8-bit levels, averaged over R, G, B).</param>
/// <param name="Output">The same for the output.</param>
/// <param name="Pairs">Number of consecutive frame pairs measured (pairs across a scene cut or with an empty foreground are left out).</param>
public sealed record FlickerReport(double Input, double Output, int Pairs);

/// <summary>
/// Measures flicker as issue 17 defines it: for each frame the mean colour of the foreground (binary mask) in the input
/// and in the output; flicker is the mean over consecutive frame pairs of |mean_t − mean_(t−1)|, in 8-bit levels averaged
/// over the three channels. A harmonizer that adds no temporal noise keeps Output close to Input. Not thread-safe.
/// </summary>
public sealed class FlickerMeter
{
    (double R, double G, double B)? lastInput, lastOutput;
    double inputSum, outputSum;
    int pairs;

    /// <summary>
    /// Adds one frame; <paramref name="newShot"/> breaks the chain (no pair with the previous frame).
    /// <paramref name="bounds"/>: the mask's foreground bounds when the caller knows them (only those pixels are read), else null.
    /// </summary>
    public void Add(RgbImage input, RgbImage output, Mask mask, bool newShot, (int X, int Y, int Width, int Height)? bounds = null)
    {
        var (inMean, outMean) = ForegroundMeans(input, output, mask, bounds ?? (0, 0, input.Width, input.Height));
        if (!newShot && inMean is { } i && outMean is { } o && lastInput is { } li && lastOutput is { } lo)
        {
            inputSum += Change(li, i);
            outputSum += Change(lo, o);
            pairs++;
        }
        lastInput = inMean;
        lastOutput = outMean;
    }

    /// <summary>The flicker so far (0 with no pair).</summary>
    public FlickerReport Report() => pairs == 0 ? new FlickerReport(0, 0, 0) : new FlickerReport(inputSum / pairs, outputSum / pairs, pairs);

    static double Change((double R, double G, double B) a, (double R, double G, double B) b) =>
        (Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B)) / 3;

    /// <summary>Mean RGB of both images over the binary foreground, or nulls when the foreground is empty.</summary>
    static ((double, double, double)?, (double, double, double)?) ForegroundMeans(RgbImage input, RgbImage output, Mask mask,
        (int X, int Y, int Width, int Height) bounds)
    {
        var sums = new long[6];
        long count = 0;
        object gate = new();
        Parallel.For(bounds.Y, bounds.Y + bounds.Height, () => (new long[6], 0L), (y, _, local) =>
        {
            var (s, n) = local;
            var a = input.Pixels;
            var b = output.Pixels;
            var alpha = mask.Alpha;
            float t = mask.Threshold;
            int row = y * input.Width;
            for (int x = bounds.X; x < bounds.X + bounds.Width; x++)
            {
                int i = row + x;
                if (alpha[i] < t) continue;
                s[0] += a[3 * i]; s[1] += a[3 * i + 1]; s[2] += a[3 * i + 2];
                s[3] += b[3 * i]; s[4] += b[3 * i + 1]; s[5] += b[3 * i + 2];
                n++;
            }
            return (s, n);
        }, local =>
        {
            lock (gate)
            {
                for (int k = 0; k < 6; k++) sums[k] += local.Item1[k];
                count += local.Item2;
            }
        });
        if (count == 0) return (null, null);
        double c = count;
        return ((sums[0] / c, sums[1] / c, sums[2] / c), (sums[3] / c, sums[4] / c, sums[5] / c));
    }
}
