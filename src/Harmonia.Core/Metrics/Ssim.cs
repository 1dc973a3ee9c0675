using System.Numerics;
using Harmonia.Core.Imaging;
using Harmonia.Core.Parallelism;

namespace Harmonia.Core.Metrics;

/// <summary>
/// Structural similarity (Wang et al. 2004) on 8-bit RGB: an 11x11 Gaussian window (σ = 1.5, i.e. radius 5),
/// K1 = 0.01, K2 = 0.03, population (not sample) covariances, computed on each RGB channel and averaged over the
/// three channels (not on luminance). The window is applied as a separable filter; outside the image the samples
/// are mirrored half-sample symmetrically (… c b a | a b c …, scipy's "reflect"), which only affects the 5-pixel
/// border. <see cref="Mean"/> averages the map without that border (as skimage's <c>structural_similarity</c> and
/// Wang's "valid" filtering do); <see cref="ForegroundMean"/> averages it over foreground pixels, border included,
/// because pasted objects often touch the image edge.
/// </summary>
public static class Ssim
{
    /// <summary>Window radius: the window is (2·Radius+1)² = 11x11.</summary>
    public const int Radius = 5;
    /// <summary>Gaussian standard deviation of the window.</summary>
    public const double Sigma = 1.5;
    /// <summary>Stabilizer constants: C1 = (K1·L)², C2 = (K2·L)² with L the data range.</summary>
    public const double K1 = 0.01, K2 = 0.03;

    /// <summary>The normalized 1-D Gaussian window (length 11); the 2-D window is its outer product.</summary>
    public static IReadOnlyList<double> Window { get; } = BuildWindow();

    /// <summary>
    /// The per-pixel SSIM map averaged over the three channels: W·H floats, row-major.
    /// </summary>
    /// <param name="x">W x H RGB (e.g. the prediction).</param>
    /// <param name="y">Same size (e.g. the real image).</param>
    /// <param name="dataRange">L, the dynamic range of the values (255 for 8-bit).</param>
    public static float[] Map(RgbImage x, RgbImage y, double dataRange = 255)
    {
        if (x.Width != y.Width || x.Height != y.Height)
            throw new ArgumentException($"Images differ in size: {x.Width}x{x.Height} vs {y.Width}x{y.Height}.");
        return Map(x.Pixels, y, dataRange);
    }

    /// <summary>
    /// The SSIM map of a non-integer image <paramref name="x"/> (W·H·3 interleaved RGB floats on the 0-255 scale,
    /// e.g. a soft-mask blend) against <paramref name="y"/>; otherwise as <see cref="Map(RgbImage, RgbImage, double)"/>.
    /// </summary>
    public static float[] Map(float[] x, RgbImage y, double dataRange = 255)
    {
        if (x.Length != y.Pixels.Length)
            throw new ArgumentException($"x holds {x.Length} values but y is {y.Width}x{y.Height}x3.", nameof(x));
        return Map<float>(x, y, dataRange);
    }

    // One implementation for byte and float inputs: the JIT specializes it per type, so the byte path keeps its speed.
    static float[] Map<T>(T[] xPixels, RgbImage y, double dataRange) where T : unmanaged, INumberBase<T>
    {
        int w = y.Width, h = y.Height, n = w * h;
        double c1 = K1 * dataRange * K1 * dataRange, c2 = K2 * dataRange * K2 * dataRange;
        var win = Window.Select(v => (float)v).ToArray();
        var hIndex = ReflectTable(w);
        var vIndex = ReflectTable(h);
        var map = new float[n];
        // Horizontally filtered x, y, x², y², xy. Values are shifted by −128 before squaring so float storage keeps
        // the variances precise (E[x²] − μ² cancels less); covariances are shift-invariant and μ is shifted back.
        var mx = new float[n]; var my = new float[n]; var mxx = new float[n]; var myy = new float[n]; var mxy = new float[n];
        for (int c = 0; c < 3; c++)
        {
            ParallelRows.For(h, w, new HorizontalRows<T>(xPixels, y.Pixels, win, hIndex, w, c, mx, my, mxx, myy, mxy));
            ParallelRows.For(h, w, new VerticalRows(win, vIndex, w, c1, c2, mx, my, mxx, myy, mxy, map));
        }
        return map;
    }

    /// <summary>Horizontal window of channel c for one row: x, y, x², y², xy (values shifted by −128).</summary>
    readonly struct HorizontalRows<T>(T[] xPixels, byte[] yPixels, float[] win, int[] hIndex, int w, int c,
        float[] mx, float[] my, float[] mxx, float[] myy, float[] mxy) : IRowOperation where T : unmanaged, INumberBase<T>
    {
        public void Invoke(int row)
        {
            int o = row * w;
            for (int col = 0; col < w; col++)
            {
                float sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                int baseIdx = col * (2 * Radius + 1);
                for (int k = 0; k <= 2 * Radius; k++)
                {
                    int src = 3 * (o + hIndex[baseIdx + k]) + c;
                    float a = float.CreateTruncating(xPixels[src]) - 128f, b = yPixels[src] - 128f, g = win[k];
                    sx += g * a; sy += g * b; sxx += g * a * a; syy += g * b * b; sxy += g * a * b;
                }
                mx[o + col] = sx; my[o + col] = sy; mxx[o + col] = sxx; myy[o + col] = syy; mxy[o + col] = sxy;
            }
        }
    }

    /// <summary>Vertical window of one row and the SSIM of the channel, added (÷3) into the map.</summary>
    readonly struct VerticalRows(float[] win, int[] vIndex, int w, double c1, double c2,
        float[] mx, float[] my, float[] mxx, float[] myy, float[] mxy, float[] map) : IRowOperation
    {
        public void Invoke(int row)
        {
            int o = row * w, baseIdx = row * (2 * Radius + 1);
            for (int col = 0; col < w; col++)
            {
                double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
                for (int k = 0; k <= 2 * Radius; k++)
                {
                    int src = vIndex[baseIdx + k] * w + col;
                    double g = win[k];
                    sx += g * mx[src]; sy += g * my[src]; sxx += g * mxx[src]; syy += g * myy[src]; sxy += g * mxy[src];
                }
                double varX = sxx - sx * sx, varY = syy - sy * sy, cov = sxy - sx * sy;
                double muX = sx + 128, muY = sy + 128;
                double s = (2 * muX * muY + c1) * (2 * cov + c2) / ((muX * muX + muY * muY + c1) * (varX + varY + c2));
                map[o + col] += (float)(s / 3);
            }
        }
    }

    /// <summary>
    /// Mean of <paramref name="map"/> (W x H) without the <see cref="Radius"/>-pixel border; the whole map when the
    /// image is smaller than the window in either dimension.
    /// </summary>
    public static double Mean(float[] map, int width, int height)
    {
        int m = width > 2 * Radius && height > 2 * Radius ? Radius : 0;
        double sum = 0;
        for (int y = m; y < height - m; y++)
            for (int x = m; x < width - m; x++)
                sum += map[y * width + x];
        return sum / ((width - 2.0 * m) * (height - 2.0 * m));
    }

    /// <summary>Mean of <paramref name="map"/> over the pixels where <paramref name="foreground"/> is 1; NaN when there are none.</summary>
    public static double ForegroundMean(float[] map, byte[] foreground)
    {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < map.Length; i++)
        {
            if (foreground[i] == 0) continue;
            sum += map[i];
            n++;
        }
        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>
    /// Mean of <paramref name="map"/> weighted by soft mask levels (W·H bytes, weight = level / 255), border included;
    /// NaN when every weight is 0.
    /// </summary>
    public static double WeightedMean(float[] map, byte[] levels)
    {
        double sum = 0;
        long total = 0;
        for (int i = 0; i < map.Length; i++)
        {
            sum += (double)levels[i] * map[i];
            total += levels[i];
        }
        return total == 0 ? double.NaN : sum / total;
    }

    /// <summary>Index of a sample at <paramref name="i"/> mirrored half-sample symmetrically into [0, n).</summary>
    public static int Reflect(int i, int n)
    {
        while (i < 0 || i >= n)
            i = i < 0 ? -i - 1 : 2 * n - i - 1;
        return i;
    }

    /// <summary>For each output position p, the 11 source indices Reflect(p − 5 … p + 5).</summary>
    static int[] ReflectTable(int n)
    {
        int taps = 2 * Radius + 1;
        var t = new int[n * taps];
        for (int p = 0; p < n; p++)
            for (int k = 0; k < taps; k++)
                t[p * taps + k] = Reflect(p + k - Radius, n);
        return t;
    }

    static double[] BuildWindow()
    {
        var g = new double[2 * Radius + 1];
        for (int k = -Radius; k <= Radius; k++) g[k + Radius] = Math.Exp(-k * k / (2 * Sigma * Sigma));
        double s = g.Sum();
        for (int k = 0; k < g.Length; k++) g[k] /= s;
        return g;
    }
}
