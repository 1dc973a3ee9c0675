using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Transfer;

/// <summary>
/// Brings a colour change predicted at low resolution to full resolution without losing detail (guided-filter style):
/// on a grid over the low-res foreground, every node fits a 3x3 affine colour model <c>out ≈ A·in + b</c> by weighted
/// ridge least squares over the foreground pixels of its 3x3-cell neighbourhood; A and b are then interpolated
/// bilinearly to every full-resolution pixel and applied to that pixel's own colour. Only the smooth colour mapping
/// crosses scales; the full-resolution texture of the input passes through it (scaled by A), unlike an upscaled image.
/// <para>Regularization: a node's A is pulled toward the global model A_g (fitted the same way over all foreground
/// pixels and pulled toward the identity) with strength ε·(window area): flat or nearly empty windows take the global
/// model instead of an unstable local one. Nodes with no foreground weight use A_g, b_g.</para>
/// <para>The field is an <see cref="IForegroundMap"/>: <see cref="ForegroundRenderer"/> applies it to the full-resolution
/// pixels under the mask and blends them in the same row pass (no full-size intermediate image).</para>
/// </summary>
public sealed class LocalAffineColorTransfer : IForegroundMap
{
    const int Coefficients = 12;   // A row-major (9) then b (3)

    readonly float[] nodes;        // gridHeight x gridWidth x 12
    readonly int gridWidth, gridHeight, lowWidth, lowHeight, cellSize;

    LocalAffineColorTransfer(float[] nodes, int gridWidth, int gridHeight, int lowWidth, int lowHeight, int cellSize)
    {
        this.nodes = nodes;
        this.gridWidth = gridWidth;
        this.gridHeight = gridHeight;
        this.lowWidth = lowWidth;
        this.lowHeight = lowHeight;
        this.cellSize = cellSize;
    }

    /// <summary>The working (low-res) size the field was fitted at.</summary>
    public (int Width, int Height) WorkingSize => (lowWidth, lowHeight);

    /// <summary>Grid cell size in working pixels.</summary>
    public int CellSize => cellSize;

    /// <summary>Grid nodes along x and y.</summary>
    public (int Width, int Height) Grid => (gridWidth, gridHeight);

    /// <summary>The fitted model of node (gx, gy): A row-major then b, on values in [0, 1].</summary>
    public ReadOnlySpan<float> Node(int gx, int gy) => nodes.AsSpan((gy * gridWidth + gx) * Coefficients, Coefficients);

    /// <summary>The identity field (A = I, b = 0 at every node) for a <paramref name="width"/> x <paramref name="height"/> working image.</summary>
    public static LocalAffineColorTransfer Identity(int width, int height, int cellSize = 8)
    {
        if (width < 1 || height < 1 || cellSize < 1) throw new ArgumentOutOfRangeException(nameof(width), "Sizes must be positive.");
        int gw = (width + cellSize - 1) / cellSize, gh = (height + cellSize - 1) / cellSize;
        var nodes = new float[gw * gh * Coefficients];
        for (int n = 0; n < gw * gh; n++) nodes[n * Coefficients] = nodes[n * Coefficients + 4] = nodes[n * Coefficients + 8] = 1f;
        return new LocalAffineColorTransfer(nodes, gw, gh, width, height, cellSize);
    }

    /// <summary>Whether <paramref name="other"/> was fitted on the same working size and grid (so the two can be blended).</summary>
    public bool SameGrid(LocalAffineColorTransfer other) =>
        gridWidth == other.gridWidth && gridHeight == other.gridHeight && lowWidth == other.lowWidth && lowHeight == other.lowHeight && cellSize == other.cellSize;

    /// <summary>
    /// (1 − t)·this + t·<paramref name="other"/>, node by node. Because every pixel's map is affine in the node
    /// coefficients, the blended field renders exactly the blend of the two fields' outputs (before rounding).
    /// </summary>
    public LocalAffineColorTransfer Blend(LocalAffineColorTransfer other, float t)
    {
        if (!SameGrid(other)) throw new ArgumentException("Only fields fitted on the same working size and grid can be blended.", nameof(other));
        var blended = new float[nodes.Length];
        for (int i = 0; i < blended.Length; i++) blended[i] = nodes[i] + t * (other.nodes[i] - nodes[i]);
        return new LocalAffineColorTransfer(blended, gridWidth, gridHeight, lowWidth, lowHeight, cellSize);
    }

    /// <summary>The field as JSON: working size, cell size, grid size and every node's 12 coefficients (A row-major, then b).</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(new
    {
        format = "harmonia-local-affine/1",
        working_size = new[] { lowWidth, lowHeight },
        cell = cellSize,
        grid = new[] { gridWidth, gridHeight },
        nodes = nodes.Select(v => Math.Round(v, 6)).ToArray(),
    });

    /// <summary>
    /// Fits the field from a low-resolution pair.
    /// </summary>
    /// <param name="source">Low-res input colours, interleaved RGB in [0, 1], width·height·3.</param>
    /// <param name="target">Low-res predicted colours, same layout.</param>
    /// <param name="weight">Per-pixel fit weight (the low-res foreground alpha), width·height.</param>
    /// <param name="width">Low-res width.</param>
    /// <param name="height">Low-res height.</param>
    /// <param name="cellSize">Grid cell size in low-res pixels (a node fits over 3x3 cells).</param>
    /// <param name="epsilon">Per-pixel ridge strength toward the global model (guided filter's ε, on [0, 1] values).</param>
    public static LocalAffineColorTransfer Fit(float[] source, float[] target, float[] weight, int width, int height, int cellSize = 8, double epsilon = 1e-3)
    {
        if (source.Length != width * height * 3 || target.Length != source.Length || weight.Length != width * height)
            throw new ArgumentException("Source, target and weight sizes do not match the low-res size.");
        if (cellSize < 1) throw new ArgumentOutOfRangeException(nameof(cellSize));
        int gw = (width + cellSize - 1) / cellSize, gh = (height + cellSize - 1) / cellSize;

        // Per-cell weighted moments: W, Σx (3), Σy (3), Σx xᵀ (9), Σx yᵀ (9) = 25 values.
        const int M = 25;
        var cells = new double[gw * gh * M];
        for (int y = 0; y < height; y++)
        {
            int cy = y / cellSize;
            for (int x = 0; x < width; x++)
            {
                float w = weight[y * width + x];
                if (w <= 0) continue;
                int p = (y * width + x) * 3;
                Accumulate(cells.AsSpan((cy * gw + x / cellSize) * M, M), w, source.AsSpan(p, 3), target.AsSpan(p, 3));
            }
        }
        var total = new double[M];
        for (int c = 0; c < gw * gh; c++)
            for (int k = 0; k < M; k++) total[k] += cells[c * M + k];

        Span<float> identity = stackalloc float[Coefficients];
        identity.Clear();
        identity[0] = identity[4] = identity[8] = 1f;
        var global = new float[Coefficients];
        if (total[0] > 0) Solve(total, identity, epsilon * total[0], global);
        else identity.CopyTo(global);

        var result = new float[gw * gh * Coefficients];
        Parallel.For(0, gh, gy =>
        {
            var window = new double[M];
            for (int gx = 0; gx < gw; gx++)
            {
                Array.Clear(window);
                for (int ny = Math.Max(0, gy - 1); ny <= Math.Min(gh - 1, gy + 1); ny++)
                    for (int nx = Math.Max(0, gx - 1); nx <= Math.Min(gw - 1, gx + 1); nx++)
                        for (int k = 0; k < M; k++) window[k] += cells[(ny * gw + nx) * M + k];
                var output = result.AsSpan((gy * gw + gx) * Coefficients, Coefficients);
                if (window[0] <= 1e-9) { global.CopyTo(output); continue; }
                double area = (Math.Min(width, (gx + 2) * cellSize) - Math.Max(0, (gx - 1) * cellSize))
                              * (double)(Math.Min(height, (gy + 2) * cellSize) - Math.Max(0, (gy - 1) * cellSize));
                Solve(window, global, epsilon * area, output);
            }
        });
        return new LocalAffineColorTransfer(result, gw, gh, width, height, cellSize);
    }

    static void Accumulate(Span<double> m, double w, ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        m[0] += w;
        for (int i = 0; i < 3; i++)
        {
            m[1 + i] += w * x[i];
            m[4 + i] += w * y[i];
            for (int j = 0; j < 3; j++)
            {
                m[7 + i * 3 + j] += w * x[i] * x[j];
                m[16 + i * 3 + j] += w * x[i] * y[j];
            }
        }
    }

    /// <summary>Ridge fit: for each output channel k, (Cxx + λI)·a_k = Cxy[:, k] + λ·prior_k; b = (Σy − A·Σx)/W.</summary>
    static void Solve(ReadOnlySpan<double> m, ReadOnlySpan<float> prior, double lambda, Span<float> output)
    {
        double w = m[0];
        Span<double> cxx = stackalloc double[9];
        Span<double> cxy = stackalloc double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                cxx[i * 3 + j] = m[7 + i * 3 + j] - m[1 + i] * m[1 + j] / w + (i == j ? lambda : 0);
                cxy[i * 3 + j] = m[16 + i * 3 + j] - m[1 + i] * m[4 + j] / w;
            }
        Span<double> inv = stackalloc double[9];
        if (!Invert3(cxx, inv))
        {
            prior.CopyTo(output);
            for (int k = 0; k < 3; k++)
                output[9 + k] = (float)((m[4 + k] - prior[k * 3] * m[1] - prior[k * 3 + 1] * m[2] - prior[k * 3 + 2] * m[3]) / w);
            return;
        }
        Span<double> rhs = stackalloc double[3];
        for (int k = 0; k < 3; k++)
        {
            for (int i = 0; i < 3; i++) rhs[i] = cxy[i * 3 + k] + lambda * prior[k * 3 + i];
            double b = m[4 + k];
            for (int i = 0; i < 3; i++)
            {
                double a = inv[i * 3] * rhs[0] + inv[i * 3 + 1] * rhs[1] + inv[i * 3 + 2] * rhs[2];
                output[k * 3 + i] = (float)a;
                b -= a * m[1 + i];
            }
            output[9 + k] = (float)(b / w);
        }
    }

    static bool Invert3(ReadOnlySpan<double> a, Span<double> inv)
    {
        double c00 = a[4] * a[8] - a[5] * a[7], c01 = a[5] * a[6] - a[3] * a[8], c02 = a[3] * a[7] - a[4] * a[6];
        double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
        if (Math.Abs(det) < 1e-18) return false;
        double d = 1 / det;
        inv[0] = c00 * d; inv[1] = (a[2] * a[7] - a[1] * a[8]) * d; inv[2] = (a[1] * a[5] - a[2] * a[4]) * d;
        inv[3] = c01 * d; inv[4] = (a[0] * a[8] - a[2] * a[6]) * d; inv[5] = (a[2] * a[3] - a[0] * a[5]) * d;
        inv[6] = c02 * d; inv[7] = (a[1] * a[6] - a[0] * a[7]) * d; inv[8] = (a[0] * a[4] - a[1] * a[3]) * d;
        return true;
    }

    /// <summary>The field toward zero change: the identity field blended with this one by <paramref name="strength"/>.</summary>
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        return strength >= 1f ? this : Identity(lowWidth, lowHeight, cellSize).Blend(this, strength);
    }

    /// <summary>
    /// Binds the field to a full-resolution image that covers the same field of view as the working image (any
    /// scale, same aspect): every pixel takes the bilinear interpolation of its four nearest nodes' models.
    /// </summary>
    public IForegroundRows ForImage(int width, int height)
    {
        double sx = lowWidth / (double)width;
        // Full-res pixel → node coordinate: low-res position (X + 0.5)·s − 0.5, node centres at (g + 0.5)·cell − 0.5.
        var nodeX0 = new int[width];
        var fracX = new float[width];
        for (int x = 0; x < width; x++)
        {
            double g = Math.Clamp(((x + 0.5) * sx) / cellSize - 0.5, 0, gridWidth - 1);
            nodeX0[x] = Math.Min((int)g, Math.Max(0, gridWidth - 2));
            fracX[x] = (float)(g - nodeX0[x]);
        }
        return new Rows(this, nodeX0, fracX, lowHeight / (double)height);
    }

    /// <summary>The field bound to one image size: a row's node models are interpolated down once, then across per pixel.</summary>
    sealed class Rows(LocalAffineColorTransfer map, int[] nodeX0, float[] fracX, double sy) : IForegroundRows
    {
        public int ScratchLength => map.gridWidth * Coefficients;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void BeginRow(int y, Span<float> row)
        {
            var nodes = map.nodes;
            int gh = map.gridHeight, stride = map.gridWidth * Coefficients;
            double gy = Math.Clamp(((y + 0.5) * sy) / map.cellSize - 0.5, 0, gh - 1);
            int j0 = Math.Min((int)gy, Math.Max(0, gh - 2)), j1 = Math.Min(j0 + 1, gh - 1);
            float fy = (float)(gy - j0);
            for (int i = 0; i < stride; i++)
                row[i] = nodes[j0 * stride + i] * (1 - fy) + nodes[j1 * stride + i] * fy;
        }

        // Fully optimized from the first call: a command renders one image per process, and vector code left to
        // tiered compilation runs unoptimized for much of it.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> row)
        {
            int p = 0;
            if (Vector256.IsHardwareAccelerated && Vector128.IsHardwareAccelerated)
            {
                // Eight pixels at a time while they share one pair of nodes (a full-resolution cell spans ≥ 8 pixels at
                // any downscale); the last group must leave 4 bytes after it (16-byte loads and stores of 12 bytes).
                for (; p + 28 <= source.Length; p += 24, x += 8)
                {
                    int i0 = nodeX0[x];
                    if (nodeX0[x + 7] != i0) { MapPixels(x, source.Slice(p, 24), foreground.Slice(p, 24), row); continue; }
                    MapEight(x, i0, source.Slice(p, 28), foreground.Slice(p, 28), row);
                }
            }
            MapPixels(x, source[p..], foreground[p..], row);
        }

        /// <summary>
        /// Pixels x..x+7 (all between nodes i0 and i0 + 1) with one pixel per lane: the same operations in the same
        /// order as <see cref="MapPixels"/>, so the bytes are identical. Reads and writes 28 bytes (the last 4 are the
        /// next pixels', rewritten by the caller's next step).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void MapEight(int x, int i0, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> row)
        {
            ref float a = ref Unsafe.Add(ref MemoryMarshal.GetReference(row), i0 * Coefficients);
            ref float b = ref Unsafe.Add(ref MemoryMarshal.GetReference(row), Math.Min(i0 + 1, map.gridWidth - 1) * Coefficients);
            var wb = Vector256.LoadUnsafe(ref fracX[x]);
            var wa = Vector256<float>.One - wb;
            ref byte src = ref MemoryMarshal.GetReference(source);
            var lo = Vector128.LoadUnsafe(ref src);
            var hi = Vector128.LoadUnsafe(ref src, 12);
            var scale = Vector256.Create(255f);
            var r = Channel(lo, hi, RedIn) / scale;
            var g = Channel(lo, hi, GreenIn) / scale;
            var bl = Channel(lo, hi, BlueIn) / scale;
            var v0 = Coefficient(ref a, ref b, 0, wa, wb) * r + Coefficient(ref a, ref b, 1, wa, wb) * g + Coefficient(ref a, ref b, 2, wa, wb) * bl + Coefficient(ref a, ref b, 9, wa, wb);
            var v1 = Coefficient(ref a, ref b, 3, wa, wb) * r + Coefficient(ref a, ref b, 4, wa, wb) * g + Coefficient(ref a, ref b, 5, wa, wb) * bl + Coefficient(ref a, ref b, 10, wa, wb);
            var v2 = Coefficient(ref a, ref b, 6, wa, wb) * r + Coefficient(ref a, ref b, 7, wa, wb) * g + Coefficient(ref a, ref b, 8, wa, wb) * bl + Coefficient(ref a, ref b, 11, wa, wb);
            var q0 = ToLevels(v0 * scale);
            var q1 = ToLevels(v1 * scale);
            var q2 = ToLevels(v2 * scale);
            ref byte dst = ref MemoryMarshal.GetReference(foreground);
            Interleave(q0.GetLower(), q1.GetLower(), q2.GetLower()).StoreUnsafe(ref dst);
            Interleave(q0.GetUpper(), q1.GetUpper(), q2.GetUpper()).StoreUnsafe(ref dst, 12);
        }

        /// <summary>Coefficient k of each lane's pixel: a_k·(1 − fx) + b_k·fx, as the scalar path computes it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Coefficient(ref float a, ref float b, int k, Vector256<float> wa, Vector256<float> wb) =>
            Vector256.Create(Unsafe.Add(ref a, k)) * wa + Vector256.Create(Unsafe.Add(ref b, k)) * wb;

        /// <summary>One channel of eight interleaved pixels (four in each 16-byte load) as floats 0..255.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<float> Channel(Vector128<byte> lo, Vector128<byte> hi, Vector128<byte> pick) =>
            Vector256.Create(Vector128.ConvertToSingle(Vector128.Shuffle(lo, pick).AsInt32()), Vector128.ConvertToSingle(Vector128.Shuffle(hi, pick).AsInt32()));

        /// <summary>round(v) clamped to 0..255 as 32-bit lanes (rounding half to even, as <see cref="MathF.Round(float)"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector256<int> ToLevels(Vector256<float> v) =>
            Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(Vector256.Round(v), Vector256<float>.Zero), Vector256.Create(255f)));

        /// <summary>Four pixels' channel levels (one per 32-bit lane) as 12 interleaved RGB bytes (bytes 12..15 are zero).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<byte> Interleave(Vector128<int> r, Vector128<int> g, Vector128<int> b) =>
            Vector128.Shuffle(r.AsByte(), RedOut) | Vector128.Shuffle(g.AsByte(), GreenOut) | Vector128.Shuffle(b.AsByte(), BlueOut);

        // Byte shuffles between 4 interleaved RGB pixels and one channel per 32-bit lane; indices ≥ 16 give 0. Properties,
        // not static fields: the JIT folds them into constants even when it compiles before the type is initialized.
        static Vector128<byte> RedIn => Vector128.Create((byte)0, 255, 255, 255, 3, 255, 255, 255, 6, 255, 255, 255, 9, 255, 255, 255);
        static Vector128<byte> GreenIn => Vector128.Create((byte)1, 255, 255, 255, 4, 255, 255, 255, 7, 255, 255, 255, 10, 255, 255, 255);
        static Vector128<byte> BlueIn => Vector128.Create((byte)2, 255, 255, 255, 5, 255, 255, 255, 8, 255, 255, 255, 11, 255, 255, 255);
        static Vector128<byte> RedOut => Vector128.Create((byte)0, 255, 255, 4, 255, 255, 8, 255, 255, 12, 255, 255, 255, 255, 255, 255);
        static Vector128<byte> GreenOut => Vector128.Create((byte)255, 0, 255, 255, 4, 255, 255, 8, 255, 255, 12, 255, 255, 255, 255, 255);
        static Vector128<byte> BlueOut => Vector128.Create((byte)255, 255, 0, 255, 255, 4, 255, 255, 8, 255, 255, 12, 255, 255, 255, 255);

        /// <summary>Pixel by pixel (any node pair); the reference the eight-lane path matches byte for byte.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void MapPixels(int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> row)
        {
            int last = map.gridWidth - 1;
            ref float nodes = ref MemoryMarshal.GetReference(row);
            for (int p = 0; p < source.Length; p += 3, x++)
            {
                int i0 = nodeX0[x], i1 = Math.Min(i0 + 1, last);
                float fx = fracX[x];
                // The 12 coefficients as three 4-lane vectors: lane by lane the same a·(1 − fx) + b·fx as scalar code.
                var wa = Vector128.Create(1 - fx);
                var wb = Vector128.Create(fx);
                ref float a = ref Unsafe.Add(ref nodes, i0 * Coefficients);
                ref float b = ref Unsafe.Add(ref nodes, i1 * Coefficients);
                var m0 = Vector128.LoadUnsafe(ref a) * wa + Vector128.LoadUnsafe(ref b) * wb;
                var m1 = Vector128.LoadUnsafe(ref a, 4) * wa + Vector128.LoadUnsafe(ref b, 4) * wb;
                var m2 = Vector128.LoadUnsafe(ref a, 8) * wa + Vector128.LoadUnsafe(ref b, 8) * wb;
                float r = source[p] / 255f, g = source[p + 1] / 255f, bl = source[p + 2] / 255f;
                // A row-major: m0 = A00 A01 A02 A10, m1 = A11 A12 A20 A21, m2 = A22 b0 b1 b2.
                float v0 = m0[0] * r + m0[1] * g + m0[2] * bl + m2[1];
                float v1 = m0[3] * r + m1[0] * g + m1[1] * bl + m2[2];
                float v2 = m1[2] * r + m1[3] * g + m2[0] * bl + m2[3];
                foreground[p] = (byte)Math.Clamp((int)MathF.Round(v0 * 255f), 0, 255);
                foreground[p + 1] = (byte)Math.Clamp((int)MathF.Round(v1 * 255f), 0, 255);
                foreground[p + 2] = (byte)Math.Clamp((int)MathF.Round(v2 * 255f), 0, 255);
            }
        }
    }
}
