using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Metrics;

/// <summary>SSIM against a hand-computed case and a direct (non-separable, double precision) reference.</summary>
public sealed class SsimTests
{
    [Fact]
    public void Constant_images_reduce_to_the_luminance_term()
    {
        // x ≡ 100, y ≡ 110: every σ is 0, so SSIM = (2·100·110 + C1) / (100² + 110² + C1) with C1 = (0.01·255)² = 6.5025:
        // 22006.5025 / 22106.5025 = 0.995476.
        var x = new RgbImage(20, 20);
        var y = new RgbImage(20, 20);
        Array.Fill(x.Pixels, (byte)100);
        Array.Fill(y.Pixels, (byte)110);
        var map = Ssim.Map(x, y);
        Assert.Equal(0.995476, Ssim.Mean(map, 20, 20), 5);
        var fg = new byte[400];
        fg[0] = fg[399] = 1;   // corners: reflected borders give the same constant
        Assert.Equal(0.995476, Ssim.ForegroundMean(map, fg), 5);
    }

    [Fact]
    public void Window_is_the_normalized_gaussian_of_sigma_1_5()
    {
        Assert.Equal(11, Ssim.Window.Count);
        Assert.Equal(1, Ssim.Window.Sum(), 12);
        // exp(−1/4.5) / exp(0) = 0.80074
        Assert.Equal(Math.Exp(-1 / 4.5), Ssim.Window[6] / Ssim.Window[5], 12);
    }

    [Fact]
    public void Reflect_mirrors_half_sample_symmetrically()
    {
        Assert.Equal(0, Ssim.Reflect(-1, 5));
        Assert.Equal(1, Ssim.Reflect(-2, 5));
        Assert.Equal(4, Ssim.Reflect(5, 5));
        Assert.Equal(3, Ssim.Reflect(6, 5));
        Assert.Equal(0, Ssim.Reflect(-4, 2));  // -4 → 3 → 0
    }

    [Fact]
    public void Map_matches_a_direct_two_dimensional_reference()
    {
        var x = TestImages.Gradient(23, 17, seed: 5);
        var y = TestImages.Gradient(23, 17, seed: 9);
        // make them differ in structure, not only noise
        for (int i = 0; i < y.Pixels.Length; i += 7) y.Pixels[i] = (byte)(255 - y.Pixels[i]);
        var map = Ssim.Map(x, y);
        var reference = ReferenceMap(x, y);
        for (int i = 0; i < map.Length; i++) Assert.Equal(reference[i], map[i], 4);
        double interior = 0;
        for (int r = 5; r < 12; r++) for (int c = 5; c < 18; c++) interior += reference[r * 23 + c];
        Assert.Equal(interior / (7 * 13), Ssim.Mean(map, 23, 17), 5);
    }

    /// <summary>Per pixel and channel: the 11x11 window sums written out, mirrored indices, doubles; averaged over channels.</summary>
    static double[] ReferenceMap(RgbImage x, RgbImage y)
    {
        int w = x.Width, h = x.Height;
        var g = new double[11, 11];
        double total = 0;
        for (int i = -5; i <= 5; i++) for (int j = -5; j <= 5; j++) total += g[i + 5, j + 5] = Math.Exp(-(i * i + j * j) / (2 * 1.5 * 1.5));
        double c1 = Math.Pow(0.01 * 255, 2), c2 = Math.Pow(0.03 * 255, 2);
        var result = new double[w * h];
        for (int r = 0; r < h; r++)
        for (int c = 0; c < w; c++)
        for (int ch = 0; ch < 3; ch++)
        {
            double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
            for (int i = -5; i <= 5; i++)
            for (int j = -5; j <= 5; j++)
            {
                int rr = Mirror(r + i, h), cc = Mirror(c + j, w);
                double a = x.Pixels[3 * (rr * w + cc) + ch], b = y.Pixels[3 * (rr * w + cc) + ch], wt = g[i + 5, j + 5] / total;
                mx += wt * a; my += wt * b; sxx += wt * a * a; syy += wt * b * b; sxy += wt * a * b;
            }
            double vx = sxx - mx * mx, vy = syy - my * my, cov = sxy - mx * my;
            result[r * w + c] += (2 * mx * my + c1) * (2 * cov + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)) / 3;
        }
        return result;
    }

    static int Mirror(int i, int n) => i < 0 ? -i - 1 : i >= n ? 2 * n - i - 1 : i;
}
