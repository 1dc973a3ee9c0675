using Harmonia.Core.Imaging;
using Harmonia.Core.Methods.Classical;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// Colour statistics of a photo's binary foreground (alpha at or above the mask threshold), the source and target of
/// the transfer family, gathered by Core's classical statistics so the family and the classical harmonizers share one
/// definition: RGB moments (0-255 units), natural-log LMS moments (<see cref="LogLmsStatistics"/>, lαβ follows
/// linearly) and per-channel histograms.
/// </summary>
/// <param name="Rgb">RGB moments of the foreground.</param>
/// <param name="LnLms">ln(LMS + ε) moments of the foreground.</param>
/// <param name="Histograms">768 counts, index channel·256 + value (channel 0 = R).</param>
public sealed record ForegroundStatistics(MomentSums Rgb, MomentSums LnLms, long[] Histograms)
{
    /// <summary>Number of foreground pixels.</summary>
    public long Count => (long)Rgb.Count;

    /// <summary>The statistics of <paramref name="image"/> under <paramref name="mask"/>'s binary view; null when it has no foreground pixel.</summary>
    public static ForegroundStatistics? Compute(RgbImage image, Mask mask)
    {
        var rgb = RegionStatistics.GatherRgb(image, mask)[0].Foreground;
        if (rgb.Count == 0) return null;
        return new ForegroundStatistics(rgb, LogLmsStatistics.Gather(image, mask).Foreground,
            RegionStatistics.GatherHistograms(image, mask).Foreground);
    }
}
