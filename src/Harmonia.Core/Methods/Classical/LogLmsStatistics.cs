using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Parallelism;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Moments of natural-log LMS (<c>u = ln(M_lms · rgb/255 + ε)</c>, see <see cref="LalphabetaSpace"/>) over the binary
/// foreground and the background, at full resolution. Since lαβ is linear in u, lαβ means and covariances follow
/// exactly from these: <c>μ_lab = L·μ_u</c>, <c>Σ_lab = L·Σ_u·Lᵀ</c> with L = LogLmsToLab / ln 10.
/// 8 pixels at a time with <see cref="Vector256"/>; float partial sums are flushed to double every 256 pixels.
/// </summary>
public static class LogLmsStatistics
{
    const int FlushEvery = 32; // vectors (256 pixels) per float partial sum

    /// <summary>Gathers foreground/background moments of ln-LMS for <paramref name="image"/> under <paramref name="mask"/>'s binary view.</summary>
    public static RegionMoments Gather(RgbImage image, Mask mask)
    {
        if (mask.Width != image.Width || mask.Height != image.Height)
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}.");
        var total = RegionMoments.Empty();
        int w = image.Width;
        var toLms = (1.0 / 255) * LalphabetaSpace.RgbToLms;
        var q = new float[9];
        for (int i = 0; i < 9; i++) q[i] = (float)toLms[i / 3, i % 3];
        float eps = (float)LalphabetaSpace.LogEpsilon;
        ParallelRows.Reduce<GatherRows, double>(image.Height, w, new GatherRows(image, mask, q, eps, total));
        return total;
    }

    readonly struct GatherRows(RgbImage image, Mask mask, float[] q, float eps, RegionMoments total) : IRowReduction<double>
    {
        public int StateLength => 2 * MomentSums.Length;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int y, Span<double> acc) =>
            GatherRow(image.Row(y), mask.Alpha.AsSpan(y * image.Width, image.Width), q, eps, mask.Threshold, acc);

        public void Merge(ReadOnlySpan<double> partial)
        {
            total.Foreground.Add(partial[..MomentSums.Length]);
            total.Background.Add(partial[MomentSums.Length..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void GatherRow(ReadOnlySpan<byte> row, ReadOnlySpan<float> alpha, float[] q, float eps, float threshold, Span<double> acc)
    {
        int w = alpha.Length, x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Span<Vector256<float>> fg = stackalloc Vector256<float>[MomentSums.Length];
            Span<Vector256<float>> bg = stackalloc Vector256<float>[MomentSums.Length];
            var vEps = Vector256.Create(eps);
            var vThreshold = Vector256.Create(threshold);
            var one = Vector256.Create(1f);
            int pending = 0;
            for (; x + 8 <= w; x += 8)
            {
                LogLmsAffineTransform.LoadPlanar8(row.Slice(x * 3, 24), out var r, out var g, out var b);
                var u0 = Vector256.Log(Vector256.Create(q[0]) * r + Vector256.Create(q[1]) * g + Vector256.Create(q[2]) * b + vEps);
                var u1 = Vector256.Log(Vector256.Create(q[3]) * r + Vector256.Create(q[4]) * g + Vector256.Create(q[5]) * b + vEps);
                var u2 = Vector256.Log(Vector256.Create(q[6]) * r + Vector256.Create(q[7]) * g + Vector256.Create(q[8]) * b + vEps);
                var isFg = Vector256.GreaterThanOrEqual(Vector256.Create(alpha.Slice(x, 8)), vThreshold);
                Accumulate(fg, isFg, one, u0, u1, u2);
                Accumulate(bg, ~isFg, one, u0, u1, u2);
                if (++pending == FlushEvery)
                {
                    Flush(fg, acc, 0);
                    Flush(bg, acc, MomentSums.Length);
                    pending = 0;
                }
            }
            Flush(fg, acc, 0);
            Flush(bg, acc, MomentSums.Length);
        }
        for (; x < w; x++)
        {
            float r = row[3 * x], g = row[3 * x + 1], b = row[3 * x + 2];
            double u0 = MathF.Log(q[0] * r + q[1] * g + q[2] * b + eps);
            double u1 = MathF.Log(q[3] * r + q[4] * g + q[5] * b + eps);
            double u2 = MathF.Log(q[6] * r + q[7] * g + q[8] * b + eps);
            int o = alpha[x] >= threshold ? 0 : MomentSums.Length;
            acc[o]++;
            acc[o + 1] += u0; acc[o + 2] += u1; acc[o + 3] += u2;
            acc[o + 4] += u0 * u0; acc[o + 5] += u0 * u1; acc[o + 6] += u0 * u2;
            acc[o + 7] += u1 * u1; acc[o + 8] += u1 * u2; acc[o + 9] += u2 * u2;
        }
    }

    /// <summary>Adds the lanes selected by <paramref name="select"/> (all-ones bits) into the 10 running sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Accumulate(Span<Vector256<float>> s, Vector256<float> select, Vector256<float> one, Vector256<float> u0, Vector256<float> u1, Vector256<float> u2)
    {
        // Zeroed lanes contribute 0 to sums and products alike.
        var a = u0 & select;
        var b = u1 & select;
        var c = u2 & select;
        s[0] += one & select;
        s[1] += a; s[2] += b; s[3] += c;
        s[4] += a * a; s[5] += a * b; s[6] += a * c;
        s[7] += b * b; s[8] += b * c; s[9] += c * c;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Flush(Span<Vector256<float>> s, Span<double> acc, int offset)
    {
        for (int i = 0; i < MomentSums.Length; i++)
        {
            acc[offset + i] += Vector256.Sum(s[i]);
            s[i] = Vector256<float>.Zero;
        }
    }
}
