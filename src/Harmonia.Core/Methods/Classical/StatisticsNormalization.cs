using Harmonia.Core.Color;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;

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
public sealed class StatisticsNormalization(int grid, double localWeight, bool cellForegroundStats) : IFittedHarmonizer
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

    /// <inheritdoc />
    public RgbImage Harmonize(RgbImage composite, Mask mask) => this.FitAndRender(composite, mask);
}

/// <summary>
/// A per-channel affine map <c>out_c = a_c(x, y) · in_c + b_c(x, y)</c> whose parameters are given at the centres
/// of a gridX x gridY grid and interpolated bilinearly in between (constant beyond the outer centres).
/// Rendered in parallel rows; pixels with alpha 0 are copied byte for byte, others blended with the soft alpha as
/// <see cref="Rendering.ForegroundRenderer"/> does.
/// </summary>
public sealed class ChannelAffineFieldMap : IForegroundMap
{
    readonly int gridX, gridY;
    readonly float[] parameters;

    /// <summary>Creates the field.</summary>
    /// <param name="gridX">Cells across.</param>
    /// <param name="gridY">Cells down.</param>
    /// <param name="parameters">Per cell (row-major) 6 floats: a_R, a_G, a_B, b_R, b_G, b_B (0-255 units).</param>
    public ChannelAffineFieldMap(int gridX, int gridY, float[] parameters)
    {
        if (parameters.Length != gridX * gridY * 6) throw new ArgumentException("Expected 6 parameters per cell.", nameof(parameters));
        this.gridX = gridX;
        this.gridY = gridY;
        this.parameters = parameters;
    }

    /// <summary>Continuous cell coordinate of pixel centre <paramref name="p"/>: lower cell index and weight of the next.</summary>
    static (int Index, float Weight) Locate(int p, int size, int cells)
    {
        double f = Math.Clamp((p + 0.5) * cells / size - 0.5, 0, cells - 1);
        int i = Math.Min((int)f, Math.Max(0, cells - 2));
        return (i, (float)(f - i));
    }

    /// <inheritdoc />
    public void Render(RgbImage composite, Mask mask, RgbImage destination)
    {
        int w = composite.Width, h = composite.Height;
        if (mask.Width != w || mask.Height != h || destination.Width != w || destination.Height != h)
            throw new ArgumentException("Composite, mask and destination sizes differ.");
        var column = new (int Index, float Weight)[w];
        for (int x = 0; x < w; x++) column[x] = Locate(x, w, gridX);
        int nextColumn = gridX > 1 ? 6 : 0;
        RegionStatistics.ParallelRows(h, () => new float[gridX * 6], (y0, y1, rowParams) =>
        {
            for (int y = y0; y < y1; y++)
            {
                // Interpolate down the rows once per image row, then only across per pixel.
                var (j, ty) = Locate(y, h, gridY);
                int j1 = Math.Min(j + 1, gridY - 1);
                for (int k = 0; k < gridX * 6; k++)
                    rowParams[k] = parameters[j * gridX * 6 + k] + ty * (parameters[j1 * gridX * 6 + k] - parameters[j * gridX * 6 + k]);
                var src = composite.Row(y);
                var dst = destination.Row(y);
                var alpha = mask.Alpha.AsSpan(y * w, w);
                for (int x = 0; x < w; x++)
                {
                    int o = 3 * x;
                    float a = alpha[x];
                    if (a <= 0f)
                    {
                        dst[o] = src[o]; dst[o + 1] = src[o + 1]; dst[o + 2] = src[o + 2];
                        continue;
                    }
                    var (i, tx) = column[x];
                    int p = i * 6;
                    for (int ch = 0; ch < 3; ch++)
                    {
                        float scale = rowParams[p + ch] + tx * (rowParams[p + nextColumn + ch] - rowParams[p + ch]);
                        float shift = rowParams[p + 3 + ch] + tx * (rowParams[p + nextColumn + 3 + ch] - rowParams[p + 3 + ch]);
                        byte fg = FittedHarmonizer.ToByte(scale * src[o + ch] + shift);
                        dst[o + ch] = a >= 1f ? fg : (byte)(fg * a + src[o + ch] * (1f - a) + 0.5f);
                    }
                }
            }
        }, _ => { });
    }
}
