using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;

namespace Harmonia.Tests.Support;

/// <summary>
/// The image checks tests share (one definition each): the background kept bit-identical, a tolerant image compare,
/// and a foreground MSE limit. Messages say where and by how much an image differs.
/// </summary>
public static class ImageAssert
{
    /// <summary>Every pixel with mask value 0 has the same bytes in <paramref name="actual"/> as in <paramref name="original"/>.</summary>
    public static void BackgroundUnchanged(RgbImage original, RgbImage actual, Mask mask)
    {
        SameSize(original, actual);
        int changed = 0, first = -1;
        for (int i = 0; i < mask.Alpha.Length; i++)
        {
            if (mask.Alpha[i] != 0f) continue;
            if (original.Pixels[3 * i] != actual.Pixels[3 * i] || original.Pixels[3 * i + 1] != actual.Pixels[3 * i + 1] || original.Pixels[3 * i + 2] != actual.Pixels[3 * i + 2])
            {
                if (first < 0) first = i;
                changed++;
            }
        }
        Assert.True(changed == 0, $"{changed} background pixel(s) changed; first at ({first % original.Width}, {first / original.Width}).");
    }

    /// <summary>Every channel of every pixel within <paramref name="maxLevels"/> levels (0-255) of <paramref name="expected"/>.</summary>
    public static void Close(RgbImage expected, RgbImage actual, int maxLevels)
    {
        SameSize(expected, actual);
        int worst = 0, at = 0;
        for (int i = 0; i < expected.Pixels.Length; i++)
        {
            int d = Math.Abs(expected.Pixels[i] - actual.Pixels[i]);
            if (d > worst) { worst = d; at = i / 3; }
        }
        Assert.True(worst <= maxLevels, $"max difference {worst} levels at ({at % expected.Width}, {at / expected.Width}); tolerance {maxLevels}.");
    }

    /// <summary>
    /// Foreground MSE of <paramref name="image"/> against <paramref name="real"/> (squared error over binary-foreground
    /// pixels and channels / (3 · foreground pixels), values 0-255), computed by Core's <see cref="PixelErrors"/>.
    /// </summary>
    public static double ForegroundMse(RgbImage image, RgbImage real, Mask mask)
    {
        SameSize(image, real);
        var fg = mask.ToBinary();
        int count = fg.Count(b => b != 0);
        Assert.True(count > 0, "the mask has no foreground pixel");
        var (_, foreground) = PixelErrors.SquaredErrors(image, real, fg);
        return foreground / (3.0 * count);
    }

    /// <summary>The foreground MSE against <paramref name="real"/> is below <paramref name="limit"/>; returns it.</summary>
    public static double ForegroundMseBelow(RgbImage image, RgbImage real, Mask mask, double limit)
    {
        double fmse = ForegroundMse(image, real, mask);
        Assert.True(fmse < limit, $"fMSE {fmse:F2} is not below {limit:F2}.");
        return fmse;
    }

    static void SameSize(RgbImage a, RgbImage b) =>
        Assert.True(a.Width == b.Width && a.Height == b.Height, $"sizes differ: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
}

/// <summary>The CLI's error promise, checked one way everywhere.</summary>
public static class CliAssert
{
    /// <summary>
    /// The run exited with <paramref name="exitCode"/> and printed exactly one line on stderr that contains
    /// <paramref name="fragment"/>, with no stack trace and no "unexpected failure".
    /// </summary>
    public static void OneLine(CliResult r, int exitCode, string fragment)
    {
        Assert.True(r.ExitCode == exitCode, $"exit {r.ExitCode} (expected {exitCode}): {r.StdErr}");
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line, got {lines.Length}: {r.StdErr}");
        Assert.Contains(fragment, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", r.StdErr);
        Assert.DoesNotContain("unexpected failure", lines[0]);
    }
}
