using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Harmonia.Core.Parallelism;
namespace Harmonia.Core.Imaging;

/// <summary>Resampling filters.</summary>
public enum ResizeFilter
{
    /// <summary>Nearest neighbour: the source pixel whose centre is closest (floor of the mapped centre).</summary>
    Nearest,
    /// <summary>Box filter: the area average when shrinking.</summary>
    Box,
    /// <summary>Triangle (bilinear) filter.</summary>
    Bilinear,
    /// <summary>Keys cubic with a = -0.5 (as PIL's BICUBIC).</summary>
    Bicubic,
}

/// <summary>
/// Separable resampling of RGB images and masks, antialiased when shrinking (the filter's support is scaled by
/// the reduction factor, as PIL does), pixel centres aligned (x_src = (x_dst + 0.5)·scale − 0.5).
/// Rows run in parallel (<see cref="ParallelRows"/>); the horizontal pass takes eight rows per vector where the CPU
/// allows (<see cref="EightRowResampler"/>, same values as the scalar pass).
/// </summary>
public static class Resize
{
    /// <summary>Resizes an RGB image to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Rgb(RgbImage source, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Target size must be positive.");
        if (width == source.Width && height == source.Height) return source.Clone();
        // Horizontal pass straight from the interleaved bytes (source.Height x width floats per channel), then the
        // vertical pass straight into bytes: no full-size float copy of the source. The intermediate is not cleared
        // (every value is written first) and not pooled: the pool rounds it up to a power of two, which raised the
        // peak memory of a 12 MP command.
        var rows = GC.AllocateUninitializedArray<float>(source.Height * width * 3);
        HorizontalRgb(source, width, filter, rows);
        var result = new RgbImage(width, height);
        ParallelRows.For<VerticalRgb, float>(height, width * 3, new VerticalRgb(rows, Weights(source.Height, height, filter), width, result));
        return result;
    }

    /// <summary>Resizes a mask's soft alpha (values stay in [0, 1]); the threshold is kept.</summary>
    public static Mask Mask(Mask source, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        var a = Plane(source.Alpha, source.Width, source.Height, width, height, filter);
        for (int i = 0; i < a.Length; i++) a[i] = Math.Clamp(a[i], 0f, 1f);
        return new Mask(width, height, a, source.Threshold);
    }

    /// <summary>Resamples one float plane (row-major, <paramref name="sw"/> x <paramref name="sh"/>) to <paramref name="dw"/> x <paramref name="dh"/>.</summary>
    public static float[] Plane(float[] source, int sw, int sh, int dw, int dh, ResizeFilter filter)
    {
        if (dw <= 0 || dh <= 0) throw new ArgumentOutOfRangeException(nameof(dw), "Target size must be positive.");
        if (sw == dw && sh == dh) return (float[])source.Clone();
        var temp = GC.AllocateUninitializedArray<float>(sh * dw);   // every value is written by the horizontal pass
        ParallelRows.For<HorizontalPlane, float>(Groups(sh), dw * EightRowResampler.Rows, new HorizontalPlane(source, sw, sh, Weights(sw, dw, filter), temp, dw));
        var result = new float[dw * dh];
        ParallelRows.For(dh, dw, new VerticalPlane(temp, Weights(sh, dh, filter), dw, result));
        return result;
    }

    /// <summary>
    /// The horizontal pass of <see cref="Rgb"/>: <paramref name="source"/>'s rows resampled to <paramref name="width"/>,
    /// channel-interleaved floats (source.Height x width x 3).
    /// </summary>
    internal static float[] HorizontalRgb(RgbImage source, int width, ResizeFilter filter)
    {
        var rows = new float[source.Height * width * 3];
        HorizontalRgb(source, width, filter, rows);
        return rows;
    }

    /// <summary>The horizontal pass into <paramref name="rows"/> (at least source.Height x width x 3 values; all of those are written).</summary>
    static void HorizontalRgb(RgbImage source, int width, ResizeFilter filter, float[] rows) =>
        ParallelRows.For<HorizontalInterleaved, float>(Groups(source.Height), width * 3 * EightRowResampler.Rows, new HorizontalInterleaved(source, Weights(source.Width, width, filter), rows, width));

    /// <summary>Groups of <see cref="EightRowResampler.Rows"/> rows covering <paramref name="rows"/> rows (the horizontal passes run per group).</summary>
    static int Groups(int rows) => (rows + EightRowResampler.Rows - 1) / EightRowResampler.Rows;

    /// <summary>One output value of the vertical pass: Σ_k w_k · column[(start + k)·stride + offset].</summary>
    internal static float VerticalTap(float[] column, (int Start, float[] Weights) taps, int stride, int offset)
    {
        var (start, w) = taps;
        float s = 0f;
        for (int k = 0; k < w.Length; k++) s += w[k] * column[(start + k) * stride + offset];
        return s;
    }

    /// <summary>
    /// <see cref="VerticalTap"/> for offsets 0 .. output.Length − 1 of one output row, eight offsets per vector: each
    /// lane adds its taps in the same order, one multiply and one add each, so the values are identical.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void VerticalTaps(float[] column, (int Start, float[] Weights) taps, int stride, Span<float> output)
    {
        var (start, w) = taps;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= output.Length; i += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int k = 0; k < w.Length; k++) sum += Vector256.Create(w[k]) * Vector256.LoadUnsafe(ref column[(start + k) * stride + i]);
                sum.StoreUnsafe(ref output[i]);
            }
        for (; i < output.Length; i++) output[i] = VerticalTap(column, taps, stride, i);
    }

    /// <summary>Rounds a resampled value to a byte (half to even, as <see cref="MathF.Round(float)"/>; clamped to [0, 255]).</summary>
    internal static byte ToByte(float v) => (byte)Math.Clamp(MathF.Round(v), 0f, 255f);

    /// <summary>The horizontal pass of a plane, one group of eight rows per call: eight lanes when possible, else row by row.</summary>
    readonly struct HorizontalPlane(float[] source, int sw, int sh, (int Start, float[] Weights)[] taps, float[] temp, int dw) : IRowOperation<float>
    {
        public int BufferLength { get; } = EightRowResampler.ScratchLength(taps, 1);

        public void Invoke(int group, Span<float> scratch)
        {
            int y = group * EightRowResampler.Rows;
            if (EightRowResampler.Fits(group, sh)) EightRowResampler.Plane(source, sw, y, taps, temp, dw, scratch);
            else for (int end = Math.Min(sh, y + EightRowResampler.Rows); y < end; y++) Row(y);
        }

        void Row(int y)
        {
            // Four outputs at a time: each sum keeps its own taps in their order (identical values), but the four
            // independent add chains overlap instead of waiting on one another. Refs skip a bounds check per tap.
            ref float row = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(source), y * sw);
            int trow = y * dw, x = 0;
            for (; x + 4 <= dw; x += 4)
            {
                var (s0, w0) = taps[x];
                var (s1, w1) = taps[x + 1];
                var (s2, w2) = taps[x + 2];
                var (s3, w3) = taps[x + 3];
                ref float a0 = ref Unsafe.Add(ref row, s0);
                ref float a1 = ref Unsafe.Add(ref row, s1);
                ref float a2 = ref Unsafe.Add(ref row, s2);
                ref float a3 = ref Unsafe.Add(ref row, s3);
                int common = Math.Min(Math.Min(w0.Length, w1.Length), Math.Min(w2.Length, w3.Length));
                float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f;
                for (int k = 0; k < common; k++)
                {
                    t0 += w0[k] * Unsafe.Add(ref a0, k);
                    t1 += w1[k] * Unsafe.Add(ref a1, k);
                    t2 += w2[k] * Unsafe.Add(ref a2, k);
                    t3 += w3[k] * Unsafe.Add(ref a3, k);
                }
                temp[trow + x] = Finish(t0, w0, ref a0, common);
                temp[trow + x + 1] = Finish(t1, w1, ref a1, common);
                temp[trow + x + 2] = Finish(t2, w2, ref a2, common);
                temp[trow + x + 3] = Finish(t3, w3, ref a3, common);
            }
            for (; x < dw; x++)
            {
                var (start, w) = taps[x];
                temp[trow + x] = Finish(0f, w, ref Unsafe.Add(ref row, start), 0);
            }
        }

        static float Finish(float s, float[] w, ref float at, int from)
        {
            for (int k = from; k < w.Length; k++) s += w[k] * Unsafe.Add(ref at, k);
            return s;
        }
    }

    readonly struct VerticalPlane(float[] temp, (int Start, float[] Weights)[] taps, int dw, float[] result) : IRowOperation
    {
        public void Invoke(int y) => VerticalTaps(temp, taps[y], dw, result.AsSpan(y * dw, dw));
    }

    /// <summary>The horizontal pass of interleaved RGB, one group of eight rows per call: eight lanes when possible, else row by row.</summary>
    readonly struct HorizontalInterleaved(RgbImage source, (int Start, float[] Weights)[] taps, float[] rows, int width) : IRowOperation<float>
    {
        public int BufferLength { get; } = EightRowResampler.ScratchLength(taps, 3);

        public void Invoke(int group, Span<float> scratch)
        {
            int y = group * EightRowResampler.Rows;
            if (EightRowResampler.Fits(group, source.Height)) EightRowResampler.Rgb(source, y, taps, rows, width, scratch);
            else for (int end = Math.Min(source.Height, y + EightRowResampler.Rows); y < end; y++) Row(y);
        }

        void Row(int y)
        {
            // Two outputs at a time (six independent add chains), each sum in its own tap order: identical values.
            ref byte row = ref MemoryMarshal.GetReference(source.Row(y));
            int trow = y * width * 3, x = 0;
            for (; x + 2 <= width; x += 2)
            {
                var (s0, w0) = taps[x];
                var (s1, w1) = taps[x + 1];
                ref byte a0 = ref Unsafe.Add(ref row, 3 * s0);
                ref byte a1 = ref Unsafe.Add(ref row, 3 * s1);
                int common = Math.Min(w0.Length, w1.Length);
                float r0 = 0f, g0 = 0f, b0 = 0f, r1 = 0f, g1 = 0f, b1 = 0f;
                for (int k = 0; k < common; k++)
                {
                    float u = w0[k], v = w1[k];
                    ref byte p = ref Unsafe.Add(ref a0, 3 * k);
                    ref byte q = ref Unsafe.Add(ref a1, 3 * k);
                    r0 += u * p;
                    r1 += v * q;
                    g0 += u * Unsafe.Add(ref p, 1);
                    g1 += v * Unsafe.Add(ref q, 1);
                    b0 += u * Unsafe.Add(ref p, 2);
                    b1 += v * Unsafe.Add(ref q, 2);
                }
                Finish(r0, g0, b0, w0, ref a0, common, trow + 3 * x);
                Finish(r1, g1, b1, w1, ref a1, common, trow + 3 * x + 3);
            }
            for (; x < width; x++)
            {
                var (start, w) = taps[x];
                Finish(0f, 0f, 0f, w, ref Unsafe.Add(ref row, 3 * start), 0, trow + 3 * x);
            }
        }

        void Finish(float r, float g, float b, float[] w, ref byte at, int from, int to)
        {
            for (int k = from; k < w.Length; k++)
            {
                ref byte p = ref Unsafe.Add(ref at, 3 * k);
                r += w[k] * p;
                g += w[k] * Unsafe.Add(ref p, 1);
                b += w[k] * Unsafe.Add(ref p, 2);
            }
            rows[to] = r;
            rows[to + 1] = g;
            rows[to + 2] = b;
        }
    }

    readonly struct VerticalRgb(float[] rows, (int Start, float[] Weights)[] taps, int width, RgbImage result) : IRowOperation<float>
    {
        public int BufferLength => width * 3;

        // Fully optimized from the first call, as the horizontal passes (EightRowResampler).
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Invoke(int y, Span<float> sums)
        {
            VerticalTaps(rows, taps[y], width * 3, sums);
            var dst = result.Row(y);
            for (int i = 0; i < dst.Length; i++) dst[i] = ToByte(sums[i]);
        }
    }

    /// <summary>For each output index of a 1-D resampling: the first source index and the normalized tap weights.</summary>
    internal static (int Start, float[] Weights)[] Weights(int inSize, int outSize, ResizeFilter filter)
    {
        var table = new (int, float[])[outSize];
        double scale = inSize / (double)outSize;
        if (filter == ResizeFilter.Nearest)
        {
            for (int i = 0; i < outSize; i++)
                table[i] = (Math.Min(inSize - 1, (int)Math.Floor((i + 0.5) * scale)), [1f]);
            return table;
        }
        double support = filter switch { ResizeFilter.Box => 0.5, ResizeFilter.Bilinear => 1.0, _ => 2.0 };
        double stretch = Math.Max(1.0, scale);
        support *= stretch;
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int lo = Math.Max(0, (int)Math.Floor(centre - support));
            int hi = Math.Min(inSize, (int)Math.Ceiling(centre + support));
            var w = new double[Math.Max(1, hi - lo)];
            double sum = 0;
            for (int j = lo; j < hi; j++)
            {
                double v = Kernel(filter, (j + 0.5 - centre) / stretch);
                w[j - lo] = v;
                sum += v;
            }
            if (sum == 0) { lo = Math.Clamp((int)centre, 0, inSize - 1); table[i] = (lo, [1f]); continue; }
            table[i] = (lo, w.Select(v => (float)(v / sum)).ToArray());
        }
        return table;
    }

    static double Kernel(ResizeFilter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case ResizeFilter.Box:
                return x < 0.5 ? 1 : x == 0.5 ? 0.5 : 0;
            case ResizeFilter.Bilinear:
                return x < 1 ? 1 - x : 0;
            default:
                const double a = -0.5;
                if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
                if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
                return 0;
        }
    }
}
