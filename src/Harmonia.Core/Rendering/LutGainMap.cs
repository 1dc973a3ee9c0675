using System.Numerics;

namespace Harmonia.Core.Rendering;

/// <summary>
/// "Table, then times a smooth gain": <c>out_c = round(lut_c[in_c] · g(x, y))</c>, clamped to bytes, where g is a
/// low-resolution single-channel gain grid (gridX x gridY, spanning the whole image) upsampled bicubically to the
/// image: PyTorch's <c>interpolate(mode="bicubic", align_corners=False)</c> (Keys cubic, a = −0.75, source coordinate
/// <c>(p + 0.5)·grid/size − 0.5</c>, border indices clamped), so a renderer at any resolution shows what a network
/// trained with that upsampling saw. The grid enters as <c>1 + shading·(g − 1)</c> (0 = no gain, 1 = as given, 2 =
/// doubled), and a negative upsampled gain is clamped to 0. PIH's colour curves + shading map use it.
/// <para>Cost: the grid is upsampled across once per image (gridY x width floats), down once per row (4 multiply-adds
/// per pixel, vectorized), then one multiply per channel; no full-size gain image exists.</para>
/// </summary>
public sealed class LutGainMap : IForegroundMap
{
    /// <summary>PyTorch's bicubic coefficient.</summary>
    public const float CubicA = -0.75f;

    readonly ChannelLut lut;
    readonly float[] gain;
    readonly int gridX, gridY;
    readonly float shading;

    /// <summary>Creates the map.</summary>
    /// <param name="lut">The colour table applied first.</param>
    /// <param name="gain">Row-major gridX x gridY gain values (1 = unchanged); not copied, never written.</param>
    /// <param name="gridX">Grid width (≥ 1).</param>
    /// <param name="gridY">Grid height (≥ 1).</param>
    /// <param name="shading">Strength of the gain in [0, 2]: the grid enters as 1 + shading·(g − 1).</param>
    public LutGainMap(ChannelLut lut, float[] gain, int gridX, int gridY, float shading = 1f)
    {
        if (gridX < 1 || gridY < 1) throw new ArgumentOutOfRangeException(nameof(gridX), "The gain grid needs at least one cell.");
        if (gain.Length != gridX * gridY) throw new ArgumentException($"Expected {gridX * gridY} gain values, got {gain.Length}.", nameof(gain));
        if (!(shading >= 0f && shading <= 2f)) throw new ArgumentOutOfRangeException(nameof(shading), "Shading must be in [0, 2].");
        this.lut = lut;
        this.gain = gain;
        this.gridX = gridX;
        this.gridY = gridY;
        this.shading = shading;
    }

    /// <summary>
    /// The map for <paramref name="lut"/> and the gain at <paramref name="shading"/>; when the shading is 0 exactly
    /// the table alone (<see cref="ColorTransformMap"/>), so "no shading" renders the very bytes the curves give.
    /// </summary>
    public static IForegroundMap Create(ChannelLut lut, float[] gain, int gridX, int gridY, float shading) =>
        shading == 0f ? new ColorTransformMap(lut) : new LutGainMap(lut, gain, gridX, gridY, shading);

    /// <summary>The table toward the identity and the gain toward 1, both by <paramref name="strength"/>.</summary>
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        if (strength >= 1f) return this;
        var table = (ChannelLut)lut.TowardIdentity(strength);
        return Create(table, gain, gridX, gridY, shading * strength);
    }

    /// <inheritdoc />
    public IForegroundRows ForImage(int width, int height)
    {
        // The grid as 1 + shading·(g − 1), upsampled across to the image width once (gridY rows of width floats).
        var across = new float[(long)gridY * width];
        var taps = Taps(width, gridX);
        for (int gy = 0; gy < gridY; gy++)
        {
            var row = across.AsSpan(gy * width, width);
            int g0 = gy * gridX;
            for (int x = 0; x < width; x++)
            {
                var (i, w) = taps[x];
                float v = 0f;
                for (int k = 0; k < 4; k++) v += w[k] * (1f + shading * (gain[g0 + i[k]] - 1f));
                row[x] = v;
            }
        }
        var table = new float[768];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) table[c * 256 + v] = lut[c, v];
        return new Rows(across, Taps(height, gridY), table, width);
    }

    /// <summary>For each of <paramref name="size"/> output pixels: the 4 clamped source indices and their cubic weights.</summary>
    static (int[] Index, float[] Weight)[] Taps(int size, int cells)
    {
        var taps = new (int[], float[])[size];
        double scale = (double)cells / size;
        for (int p = 0; p < size; p++)
        {
            double source = (p + 0.5) * scale - 0.5;
            int i0 = (int)Math.Floor(source);
            float t = (float)(source - i0);
            var index = new int[4];
            for (int k = 0; k < 4; k++) index[k] = Math.Clamp(i0 - 1 + k, 0, cells - 1);
            taps[p] = (index, CubicWeights(t));
        }
        return taps;
    }

    /// <summary>Keys cubic convolution weights for the taps at −1, 0, 1, 2 around a fraction <paramref name="t"/> in [0, 1).</summary>
    public static float[] CubicWeights(float t)
    {
        const float a = CubicA;
        static float Near(float x) => ((a + 2f) * x - (a + 3f)) * x * x + 1f;
        static float Far(float x) => ((a * x - 5f * a) * x + 8f * a) * x - 4f * a;
        return [Far(t + 1f), Near(t), Near(1f - t), Far(2f - t)];
    }

    sealed class Rows(float[] across, (int[] Index, float[] Weight)[] down, float[] table, int width) : IForegroundRows
    {
        public int ScratchLength => width;

        public void BeginRow(int y, Span<float> row)
        {
            var (index, weight) = down[y];
            ReadOnlySpan<float> r0 = across.AsSpan(index[0] * width, width), r1 = across.AsSpan(index[1] * width, width),
                r2 = across.AsSpan(index[2] * width, width), r3 = across.AsSpan(index[3] * width, width);
            int x = 0;
            if (Vector.IsHardwareAccelerated)
            {
                int lanes = Vector<float>.Count;
                Vector<float> w0 = new(weight[0]), w1 = new(weight[1]), w2 = new(weight[2]), w3 = new(weight[3]);
                for (; x + lanes <= width; x += lanes)
                {
                    var v = w0 * new Vector<float>(r0[x..]) + w1 * new Vector<float>(r1[x..]) + w2 * new Vector<float>(r2[x..]) + w3 * new Vector<float>(r3[x..]);
                    Vector.Max(v, Vector<float>.Zero).CopyTo(row[x..]);
                }
            }
            for (; x < width; x++)
                row[x] = MathF.Max(0f, weight[0] * r0[x] + weight[1] * r1[x] + weight[2] * r2[x] + weight[3] * r3[x]);
        }

        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> row)
        {
            ReadOnlySpan<float> r = table.AsSpan(0, 256), g = table.AsSpan(256, 256), b = table.AsSpan(512, 256);
            int n = source.Length / 3;
            for (int i = 0; i < n; i++)
            {
                float k = row[x + i];
                int o = 3 * i;
                foreground[o] = PixelBytes.Round(r[source[o]] * k);
                foreground[o + 1] = PixelBytes.Round(g[source[o + 1]] * k);
                foreground[o + 2] = PixelBytes.Round(b[source[o + 2]] * k);
            }
        }
    }
}
