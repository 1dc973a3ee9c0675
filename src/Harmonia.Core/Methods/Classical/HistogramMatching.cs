using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Per-channel histogram matching: each channel's foreground CDF is mapped onto the background's CDF, giving a
/// 256-entry table per channel (<see cref="ChannelLut"/>). Value v goes to the smallest u whose background
/// CDF reaches the foreground's mid-bin quantile q(v) = (F(v−1) + F(v)) / 2, so a value holding a large share of
/// the foreground lands in the middle of the matching background range rather than at its start.
/// </summary>
public sealed class HistogramMatching : IHarmonizer
{
    /// <summary>Registry name.</summary>
    public const string Name = "histogram";

    /// <summary>Describes the method for the registry.</summary>
    public static HarmonizerDescriptor Descriptor => new(Name,
        "Per-channel histogram matching: map the foreground's R, G, B CDFs onto the background's (256-entry tables).",
        [], _ => new HistogramMatching());

    /// <summary>Tables from 768-bin histograms (index channel·256 + value) of foreground and background.</summary>
    public static ChannelLut FromHistograms(ReadOnlySpan<long> foreground, ReadOnlySpan<long> background)
    {
        var tables = new byte[3][];
        for (int c = 0; c < 3; c++)
            tables[c] = MatchChannel(foreground.Slice(c * 256, 256), background.Slice(c * 256, 256));
        return new ChannelLut(tables[0], tables[1], tables[2]);
    }

    static byte[] MatchChannel(ReadOnlySpan<long> fg, ReadOnlySpan<long> bg)
    {
        double nf = 0, nb = 0;
        foreach (var v in fg) nf += v;
        foreach (var v in bg) nb += v;
        if (nf == 0) throw new HarmoniaException("The mask has no foreground pixels at its threshold; nothing to harmonize.");
        if (nb == 0) throw new HarmoniaException("The mask covers the whole image; there is no background to match.");
        var bgCdf = new double[256];
        double run = 0;
        for (int u = 0; u < 256; u++) bgCdf[u] = (run += bg[u]) / nb;
        var table = new byte[256];
        double below = 0;
        int target = 0;
        for (int v = 0; v < 256; v++)
        {
            double q = (below + 0.5 * fg[v]) / nf;
            below += fg[v];
            // q grows with v, so the search resumes where it stopped: the table is monotone.
            while (target < 255 && bgCdf[target] < q) target++;
            table[v] = (byte)target;
        }
        return table;
    }

    /// <inheritdoc />
    public IForegroundMap Fit(RgbImage composite, Mask mask)
    {
        var (fg, bg) = RegionStatistics.GatherHistograms(composite, mask);
        return new ColorTransformMap(FromHistograms(fg, bg));
    }

}
