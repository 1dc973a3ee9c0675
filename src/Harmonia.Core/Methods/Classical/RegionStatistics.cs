using System.Runtime.CompilerServices;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Parallelism;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Full-resolution statistics of the binary foreground (<c>alpha &gt;= threshold</c>) and the background (the rest)
/// of an 8-bit RGB image: moments per grid cell and per-channel histograms. Every pixel is counted (no
/// subsampling); rows run in parallel with per-thread partial sums in exact integer arithmetic.
/// </summary>
public static class RegionStatistics
{
    /// <summary>
    /// RGB moments (0-255 units) of foreground and background in each cell of a <paramref name="gridX"/> x
    /// <paramref name="gridY"/> grid; cell (i, j) covers columns [i·W/gridX, (i+1)·W/gridX) and the matching rows.
    /// Returns cells row-major (index <c>j·gridX + i</c>).
    /// </summary>
    public static RegionMoments[] GatherRgb(RgbImage image, Mask mask, int gridX = 1, int gridY = 1)
    {
        CheckSizes(image, mask);
        if (gridX < 1 || gridY < 1 || gridX > image.Width || gridY > image.Height)
            throw new ArgumentOutOfRangeException(nameof(gridX), $"Grid {gridX}x{gridY} does not fit a {image.Width}x{image.Height} image.");
        int w = image.Width, h = image.Height, cells = gridX * gridY;
        var cellOfX = new int[w];
        for (int x = 0; x < w; x++) cellOfX[x] = (int)((long)x * gridX / w);
        var totals = new long[cells * 2 * MomentSums.Length];
        ParallelRows.Reduce<MomentRows, long>(h, w, new MomentRows(image, mask, cellOfX, gridX, gridY, totals));
        var result = new RegionMoments[cells];
        Span<double> buffer = stackalloc double[MomentSums.Length];
        for (int c = 0; c < cells; c++)
        {
            result[c] = RegionMoments.Empty();
            for (int side = 0; side < 2; side++)
            {
                int o = (c * 2 + side) * MomentSums.Length;
                for (int k = 0; k < MomentSums.Length; k++) buffer[k] = totals[o + k];
                (side == 0 ? result[c].Foreground : result[c].Background).Add(buffer);
            }
        }
        return result;
    }

    /// <summary>
    /// Per-channel 256-bin histograms of foreground and background: arrays of length 768, index
    /// <c>channel·256 + value</c> (channel 0 = R).
    /// </summary>
    public static (long[] Foreground, long[] Background) GatherHistograms(RgbImage image, Mask mask)
    {
        CheckSizes(image, mask);
        int w = image.Width;
        var fg = new long[768];
        var bg = new long[768];
        ParallelRows.Reduce<HistogramRows, long>(image.Height, w, new HistogramRows(image, mask, fg, bg));
        return (fg, bg);
    }

    /// <summary>
    /// Throws a user-facing error when the binary mask leaves no foreground or no background: every classical
    /// method needs both.
    /// </summary>
    public static void RequireBothRegions(MomentSums foreground, MomentSums background)
    {
        if (foreground.Count == 0) throw new HarmoniaException("The mask has no foreground pixels at its threshold; nothing to harmonize.");
        if (background.Count == 0) throw new HarmoniaException("The mask covers the whole image; there is no background to match.");
    }

    readonly struct MomentRows(RgbImage image, Mask mask, int[] cellOfX, int gridX, int gridY, long[] totals) : IRowReduction<long>
    {
        public int StateLength => totals.Length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int y, Span<long> acc)
        {
            int w = image.Width;
            float threshold = mask.Threshold;
            var row = image.Row(y);
            var alpha = mask.Alpha.AsSpan(y * w, w);
            int rowCell = (int)((long)y * gridY / image.Height) * gridX;
            for (int x = 0; x < w; x++)
            {
                // Slot layout: cell-major, foreground then background, 10 sums each.
                int o = ((rowCell + cellOfX[x]) * 2 + (alpha[x] >= threshold ? 0 : 1)) * MomentSums.Length;
                long r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
                acc[o]++;
                acc[o + 1] += r; acc[o + 2] += g; acc[o + 3] += b;
                acc[o + 4] += r * r; acc[o + 5] += r * g; acc[o + 6] += r * b;
                acc[o + 7] += g * g; acc[o + 8] += g * b; acc[o + 9] += b * b;
            }
        }

        public void Merge(ReadOnlySpan<long> partial)
        {
            for (int i = 0; i < totals.Length; i++) totals[i] += partial[i];
        }
    }

    readonly struct HistogramRows(RgbImage image, Mask mask, long[] fg, long[] bg) : IRowReduction<long>
    {
        public int StateLength => 2 * 768;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int y, Span<long> acc)
        {
            int w = image.Width;
            float threshold = mask.Threshold;
            var row = image.Row(y);
            var alpha = mask.Alpha.AsSpan(y * w, w);
            for (int x = 0; x < w; x++)
            {
                int o = alpha[x] >= threshold ? 0 : 768;
                acc[o + row[3 * x]]++;
                acc[o + 256 + row[3 * x + 1]]++;
                acc[o + 512 + row[3 * x + 2]]++;
            }
        }

        public void Merge(ReadOnlySpan<long> partial)
        {
            for (int i = 0; i < 768; i++)
            {
                fg[i] += partial[i];
                bg[i] += partial[768 + i];
            }
        }
    }

    static void CheckSizes(RgbImage image, Mask mask)
    {
        if (mask.Width != image.Width || mask.Height != image.Height)
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
    }
}
