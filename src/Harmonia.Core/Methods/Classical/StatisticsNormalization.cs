using Harmonia.Core.Color;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Global + patch statistics normalization: the statistical core of PHNet's patch-based normalization block
/// (Efremyan et al., PHNet, Sec. 4.1, eqs. 5-12) with fixed weights, on RGB (0-255) per channel.
/// <code>
/// eq. 5  F̂glob = (F − μg(F)) · σg(B)/σg(F) + μg(B)
/// eq. 8  F̂loc  = (F − μ(F)) · σi(B)/σ(F) + μi(B)        (i = the grid cell, see below)
/// eq. 10 F̃     = w0 · F̂loc + w1 · F̂glob + w2             (here w0 = local-weight, w1 = 1 − w0, w2 = 0)
/// eq. 12 out   = F̃ · M + B · (1 − M)                     (background untouched: eq. 11 with γ1 = 1, γ0 = γ2 = 0)
/// </code>
/// Choices, where the paper's learned block does not fit a training-free method:
/// <list type="bullet">
/// <item>The paper's local statistics (eqs. 6-7) are one learned weighted combination of patch statistics; here
/// each grid cell i keeps its own background statistics μi(B), σi(B), so the transfer varies over the image
/// (the task's "per grid cell" reading).</item>
/// <item>Foreground statistics in eq. 8 are the global ones, as in the paper (<c>fg-stats=global</c>, default):
/// this keeps the object's own shading. <c>fg-stats=cell</c> instead normalizes each cell's foreground to the
/// cell's background.</item>
/// <item>A cell's own statistics are used only where it has enough pixels (max(16, 5% of the cell) of the
/// background, and of the foreground for <c>fg-stats=cell</c>); otherwise it falls back to the global ones.</item>
/// <item>Eq. 10 is an affine map per channel, <c>a·F + b</c>; (a, b) are computed at cell centres and
/// interpolated bilinearly at every pixel (clamped at the borders), so there are no seams between cells.</item>
/// </list>
/// With grid = 1 it is exactly the global per-channel mean/std transfer (eq. 5). Resolution-independent: cells are
/// fractions of the image and thresholds fractions of the cell.
/// </summary>
public sealed class StatisticsNormalization(int grid, double localWeight, bool cellForegroundStats) : IHarmonizer
{
    /// <summary>Lower bound of a foreground standard deviation (0-255 units): a flat foreground does not blow up.</summary>
    const double MinStd = 0.5;
    const double MinCellFraction = 0.05;
    const int MinCellPixels = 16;

    /// <summary>Registry name.</summary>
    public const string Name = "statistics";

    /// <summary>Describes the method for the registry.</summary>
    public static HarmonizerDescriptor Descriptor => new(Name,
        "PHNet-style global + per-cell mean/std normalization of the foreground to the background (fixed weights, smooth across cells).",
        [
            new MethodSetting("grid", "cells per side for local background statistics (1 = global only)", "4"),
            new MethodSetting("local-weight", "weight of the local (per-cell) term, 0-1; the global term gets the rest", "0.5"),
            new MethodSetting("fg-stats", "foreground statistics of the local term: global (PHNet eq. 8) or cell", "global"),
        ],
        s => new StatisticsNormalization(
            s.GetInt("grid", 4, 1, 64),
            s.GetDouble("local-weight", 0.5, 0, 1),
            s.GetString("fg-stats", "global")!.ToLowerInvariant() switch
            {
                "global" => false,
                "cell" => true,
                var v => throw new UsageException($"Setting 'fg-stats' must be 'global' or 'cell', got '{v}'."),
            }));

    /// <inheritdoc />
    public IForegroundMap Fit(RgbImage composite, Mask mask)
    {
        int gx = Math.Min(grid, composite.Width), gy = Math.Min(grid, composite.Height);
        var cells = RegionStatistics.GatherRgb(composite, mask, gx, gy);
        var global = RegionMoments.Sum(cells);
        RegionStatistics.RequireBothRegions(global.Foreground, global.Background);
        var (globalScale, globalShift) = Transfer(global.Foreground, global.Background);
        var parameters = new float[cells.Length * 6];
        for (int c = 0; c < cells.Length; c++)
        {
            double area = cells[c].Foreground.Count + cells[c].Background.Count;
            double enough = Math.Max(MinCellPixels, MinCellFraction * area);
            var bg = cells[c].Background.Count >= enough ? cells[c].Background : global.Background;
            var fg = cellForegroundStats && cells[c].Foreground.Count >= enough ? cells[c].Foreground : global.Foreground;
            var (scale, shift) = Transfer(fg, bg);
            for (int ch = 0; ch < 3; ch++)
            {
                parameters[c * 6 + ch] = (float)(localWeight * scale[ch] + (1 - localWeight) * globalScale[ch]);
                parameters[c * 6 + 3 + ch] = (float)(localWeight * shift[ch] + (1 - localWeight) * globalShift[ch]);
            }
        }
        return new ChannelAffineFieldMap(gx, gy, parameters);
    }

    /// <summary>Per-channel (scale, shift) of the mean/std transfer from <paramref name="source"/> to <paramref name="target"/>.</summary>
    static (Vec3 Scale, Vec3 Shift) Transfer(MomentSums source, MomentSums target)
    {
        Vec3 ms = source.Mean, ss = source.Std, mt = target.Mean, st = target.Std;
        var scale = new Vec3(st.X / Math.Max(ss.X, MinStd), st.Y / Math.Max(ss.Y, MinStd), st.Z / Math.Max(ss.Z, MinStd));
        return (scale, new Vec3(mt.X - scale.X * ms.X, mt.Y - scale.Y * ms.Y, mt.Z - scale.Z * ms.Z));
    }
}
