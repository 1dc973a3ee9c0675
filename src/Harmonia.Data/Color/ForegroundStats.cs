using Harmonia.Core.Imaging;

namespace Harmonia.Data.Color;

/// <summary>
/// Colour statistics of a photo's binary foreground, the target of the transfer family: RGB mean and covariance
/// (0-255 scale), lαβ mean and standard deviation, and per-channel 256-bin histograms.
/// </summary>
public sealed class ForegroundStats
{
    /// <summary>Number of foreground pixels.</summary>
    public int Count { get; private init; }
    /// <summary>RGB mean, 0-255.</summary>
    public double[] RgbMean { get; private init; } = new double[3];
    /// <summary>RGB covariance (3x3 row-major), 0-255 scale.</summary>
    public double[] RgbCov { get; private init; } = new double[9];
    /// <summary>lαβ mean.</summary>
    public double[] LabMean { get; private init; } = new double[3];
    /// <summary>lαβ standard deviation.</summary>
    public double[] LabStd { get; private init; } = new double[3];
    /// <summary>Histograms of R, G, B (3 x 256 counts).</summary>
    public int[][] Histograms { get; private init; } = [new int[256], new int[256], new int[256]];

    /// <summary>RGB standard deviation per channel.</summary>
    public double RgbStd(int c) => Math.Sqrt(Math.Max(0, RgbCov[c * 4]));

    /// <summary>Statistics over pixels whose alpha is at or above the mask threshold; null when none.</summary>
    public static ForegroundStats? Compute(RgbImage image, Mask mask)
    {
        var px = image.Pixels;
        int n = 0;
        var sum = new double[3];
        var cross = new double[9];
        var labSum = new double[3];
        var labSq = new double[3];
        var hist = new[] { new int[256], new int[256], new int[256] };
        for (int i = 0; i < image.PixelCount; i++)
        {
            if (!mask.IsForeground(i)) continue;
            n++;
            int o = 3 * i;
            double r = px[o], g = px[o + 1], b = px[o + 2];
            Span<double> v = [r, g, b];
            for (int c = 0; c < 3; c++)
            {
                sum[c] += v[c];
                hist[c][px[o + c]]++;
                for (int d = 0; d < 3; d++) cross[c * 3 + d] += v[c] * v[d];
            }
            var (l, a, bb) = ColorMath.RgbToLab(r / 255, g / 255, b / 255);
            labSum[0] += l; labSum[1] += a; labSum[2] += bb;
            labSq[0] += l * l; labSq[1] += a * a; labSq[2] += bb * bb;
        }
        if (n == 0) return null;
        var mean = sum.Select(s => s / n).ToArray();
        var cov = new double[9];
        for (int c = 0; c < 3; c++)
        for (int d = 0; d < 3; d++)
            cov[c * 3 + d] = cross[c * 3 + d] / n - mean[c] * mean[d];
        var labMean = labSum.Select(s => s / n).ToArray();
        var labStd = new double[3];
        for (int c = 0; c < 3; c++) labStd[c] = Math.Sqrt(Math.Max(0, labSq[c] / n - labMean[c] * labMean[c]));
        return new ForegroundStats { Count = n, RgbMean = mean, RgbCov = cov, LabMean = labMean, LabStd = labStd, Histograms = hist };
    }
}
