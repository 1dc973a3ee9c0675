using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Harmonia.Core.Imaging;

/// <summary>
/// The horizontal pass of <see cref="Resize"/> for eight rows at once, one row per lane of a <see cref="Vector256{T}"/>:
/// the eight rows are first transposed into per-worker scratch (entry j holds value j of every row, as floats), so
/// every tap is one contiguous load for all eight rows. Each output keeps its own taps in their order, one multiply
/// and one add per tap as the scalar loop does, so the values are identical; only the lanes run side by side.
/// Shrinking a large image (a 4096 px row to a network's 128 px: 64 taps per output) costs a fraction of the scalar
/// pass, which also converted every byte once per tap that reads it. Outputs go in tiles of <see cref="TileOutputs"/>,
/// each transposing only the source span its taps read, so the scratch stays small and in cache.
/// </summary>
internal static class EightRowResampler
{
    /// <summary>Rows per group (lanes).</summary>
    public const int Rows = 8;

    /// <summary>Whether the eight-lane pass runs on this machine (else callers use the scalar pass).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Whether group <paramref name="group"/> (rows group·8 .. group·8 + 7) lies inside <paramref name="height"/> rows.</summary>
    public static bool Fits(int group, int height) => IsSupported && (group + 1) * Rows <= height;

    /// <summary>Outputs per tile.</summary>
    const int TileOutputs = 32;

    /// <summary>
    /// Scratch floats a group needs for these taps on values of <paramref name="channels"/> interleaved channels: the
    /// widest tile's source span (none when the scalar pass runs).
    /// </summary>
    public static int ScratchLength((int Start, float[] Weights)[] taps, int channels)
    {
        if (!IsSupported) return 0;
        int widest = 0;
        for (int x0 = 0; x0 < taps.Length; x0 += TileOutputs)
        {
            var (first, end) = TileSpan(taps, x0);
            widest = Math.Max(widest, end - first);
        }
        return Rows * channels * widest;
    }

    /// <summary>The source pixels [First, End) read by the taps of the tile of outputs from <paramref name="x0"/>.</summary>
    static (int First, int End) TileSpan((int Start, float[] Weights)[] taps, int x0)
    {
        int first = int.MaxValue, end = 0;
        for (int x = x0; x < Math.Min(taps.Length, x0 + TileOutputs); x++)
        {
            first = Math.Min(first, taps[x].Start);
            end = Math.Max(end, taps[x].Start + taps[x].Weights.Length);
        }
        return (first, end);
    }

    /// <summary>
    /// Rows [y, y + 8) of <paramref name="source"/> resampled to <paramref name="width"/> columns, written like
    /// <c>Resize.HorizontalRgb</c> (row-major, channel-interleaved floats).
    /// </summary>
    // Fully optimized from the first call (as every method on this path): a command harmonizes one image per
    // process, and vector code left to tiered compilation runs unoptimized for much of that one call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rgb(RgbImage source, int y, (int Start, float[] Weights)[] taps, float[] rows, int width, Span<float> scratch)
    {
        int stride = source.Stride, outStride = width * 3, tileFirst = 0;
        Span<float> lanes = stackalloc float[3 * Rows];
        Span<Vector256<float>> columns = default;
        for (int x = 0; x < width; x++)
        {
            if (x % TileOutputs == 0)
            {
                var (first, end) = TileSpan(taps, x);
                columns = Transposed(new ByteRows(source.Pixels, y * stride + 3 * first), 3 * (end - first), stride, scratch);
                tileFirst = first;
            }
            var (start, weights) = taps[x];
            ref var column = ref columns[3 * (start - tileFirst)];
            Vector256<float> r = Vector256<float>.Zero, g = r, b = r;
            for (int k = 0; k < weights.Length; k++)
            {
                var w = Vector256.Create(weights[k]);
                r += w * Unsafe.Add(ref column, 3 * k);
                g += w * Unsafe.Add(ref column, 3 * k + 1);
                b += w * Unsafe.Add(ref column, 3 * k + 2);
            }
            r.CopyTo(lanes);
            g.CopyTo(lanes[Rows..]);
            b.CopyTo(lanes[(2 * Rows)..]);
            int o = y * outStride + 3 * x;
            for (int lane = 0; lane < Rows; lane++, o += outStride)
            {
                rows[o] = lanes[lane];
                rows[o + 1] = lanes[Rows + lane];
                rows[o + 2] = lanes[2 * Rows + lane];
            }
        }
    }

    /// <summary>
    /// Rows [y, y + 8) of a float plane (<paramref name="sw"/> wide) resampled to <paramref name="dw"/> columns into
    /// <paramref name="temp"/> (row-major, <paramref name="dw"/> wide).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Plane(float[] source, int sw, int y, (int Start, float[] Weights)[] taps, float[] temp, int dw, Span<float> scratch)
    {
        Span<float> lanes = stackalloc float[Rows];
        Span<Vector256<float>> columns = default;
        int tileFirst = 0;
        for (int x = 0; x < dw; x++)
        {
            if (x % TileOutputs == 0)
            {
                var (first, end) = TileSpan(taps, x);
                columns = Transposed(new FloatRows(source, y * sw + first), end - first, sw, scratch);
                tileFirst = first;
            }
            var (start, weights) = taps[x];
            ref var column = ref columns[start - tileFirst];
            var sum = Vector256<float>.Zero;
            for (int k = 0; k < weights.Length; k++) sum += Vector256.Create(weights[k]) * Unsafe.Add(ref column, k);
            sum.CopyTo(lanes);
            int o = y * dw + x;
            for (int lane = 0; lane < Rows; lane++, o += dw) temp[o] = lanes[lane];
        }
    }

    /// <summary>
    /// Eight rows (<paramref name="length"/> values each, <paramref name="stride"/> apart) transposed into
    /// <paramref name="scratch"/>: entry j holds value j of every row, row r in lane r.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static Span<Vector256<float>> Transposed<TRows>(TRows rows, int length, int stride, Span<float> scratch) where TRows : struct, IEightRows
    {
        var columns = MemoryMarshal.Cast<float, Vector256<float>>(scratch)[..length];
        int j = 0;
        for (; j + 8 <= length; j += 8)
            Transpose(rows.Eight(j), rows.Eight(stride + j), rows.Eight(2 * stride + j), rows.Eight(3 * stride + j),
                rows.Eight(4 * stride + j), rows.Eight(5 * stride + j), rows.Eight(6 * stride + j), rows.Eight(7 * stride + j), ref columns[j]);
        for (; j < length; j++)
            columns[j] = Vector256.Create(rows.One(j), rows.One(stride + j), rows.One(2 * stride + j), rows.One(3 * stride + j),
                rows.One(4 * stride + j), rows.One(5 * stride + j), rows.One(6 * stride + j), rows.One(7 * stride + j));
        return columns;
    }

    /// <summary>Values of the rows being transposed, as floats, by offset from the first row's first value.</summary>
    interface IEightRows
    {
        /// <summary>Eight consecutive values from <paramref name="offset"/>.</summary>
        Vector256<float> Eight(int offset);

        /// <summary>The value at <paramref name="offset"/>.</summary>
        float One(int offset);
    }

    /// <summary>Bytes (interleaved RGB) from <paramref name="start"/>.</summary>
    readonly struct ByteRows(byte[] values, int start) : IEightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Eight(int offset) =>
            Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref values[start + offset])).AsByte()));

        public float One(int offset) => values[start + offset];
    }

    /// <summary>Floats (a plane) from <paramref name="start"/>.</summary>
    readonly struct FloatRows(float[] values, int start) : IEightRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<float> Eight(int offset) => Vector256.LoadUnsafe(ref values[start + offset]);

        public float One(int offset) => values[start + offset];
    }

    /// <summary>Writes the 8x8 transpose of rows r0..r7 (eight values each) to <paramref name="columns"/>[0..8): column c holds value c of every row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose(Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7, ref Vector256<float> columns)
    {
        // Pairs of rows interleaved, then quadruples (per 128-bit half: values c and c + 4), then the halves swapped.
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var s0 = Avx.Shuffle(t0, t2, 0x44);
        var s1 = Avx.Shuffle(t0, t2, 0xEE);
        var s2 = Avx.Shuffle(t1, t3, 0x44);
        var s3 = Avx.Shuffle(t1, t3, 0xEE);
        var s4 = Avx.Shuffle(t4, t6, 0x44);
        var s5 = Avx.Shuffle(t4, t6, 0xEE);
        var s6 = Avx.Shuffle(t5, t7, 0x44);
        var s7 = Avx.Shuffle(t5, t7, 0xEE);
        columns = Avx.Permute2x128(s0, s4, 0x20);
        Unsafe.Add(ref columns, 1) = Avx.Permute2x128(s1, s5, 0x20);
        Unsafe.Add(ref columns, 2) = Avx.Permute2x128(s2, s6, 0x20);
        Unsafe.Add(ref columns, 3) = Avx.Permute2x128(s3, s7, 0x20);
        Unsafe.Add(ref columns, 4) = Avx.Permute2x128(s0, s4, 0x31);
        Unsafe.Add(ref columns, 5) = Avx.Permute2x128(s1, s5, 0x31);
        Unsafe.Add(ref columns, 6) = Avx.Permute2x128(s2, s6, 0x31);
        Unsafe.Add(ref columns, 7) = Avx.Permute2x128(s3, s7, 0x31);
    }
}
