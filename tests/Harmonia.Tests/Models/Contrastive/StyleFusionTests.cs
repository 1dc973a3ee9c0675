using Harmonia.Models.Contrastive;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Contrastive;

public class StyleFusionTests
{
    const int C = 2, Hh = 3, Ww = 4, P = Hh * Ww;

    static Tensor Map(float[] values, int channels) => tensor(values, new long[] { 1, channels, Hh, Ww });

    static float[] Random(int n, int seed, double scale = 1, double offset = 0)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(offset + scale * (rng.NextDouble() * 2 - 1))).ToArray();
    }

    static void Set(StyleFusion fusion, string name, float[] values)
    {
        using var noGrad = no_grad();
        var p = fusion.named_parameters().Single(x => x.name == name).parameter;
        p.copy_(tensor(values).reshape(p.shape));
    }

    [Fact]
    public void Fusion_equals_equations_4_to_7_computed_by_loops()
    {
        TorchRuntime.EnsureAvailable();
        var d = Random(C * P, 1, 2, 0.5);
        var e = Random(C * P, 2, 1.5, -0.3);
        // Foreground: the right half, with one soft pixel.
        var m = new float[P];
        for (int y = 0; y < Hh; y++) for (int x = 0; x < Ww; x++) m[y * Ww + x] = x >= 2 ? 1f : 0f;
        m[1 * Ww + 1] = 0.5f;
        float[] ws = [0.3f, -0.2f, 0.1f, 0.4f], bs = [0.05f, -0.1f], wb = [-0.5f, 0.25f, 0.2f, 0.1f], bb = [0.2f, -0.3f];
        using var fusion = new StyleFusion(C);
        Set(fusion, "scale.weight", ws);
        Set(fusion, "scale.bias", bs);
        Set(fusion, "shift.weight", wb);
        Set(fusion, "shift.bias", bb);
        var actual = fusion.forward(Map(d, C), Map(e, C), Map(m, 1)).data<float>().ToArray();

        // Eqs. 1-2: background statistics of E and D, weighted by 1 − M (biased variance, σ = √(var + ε)).
        (double[] Mean, double[] Std) Stats(float[] x)
        {
            var mean = new double[C];
            var std = new double[C];
            for (int c = 0; c < C; c++)
            {
                double w = 0, s = 0, v = 0;
                for (int p = 0; p < P; p++) { w += 1 - m[p]; s += (1 - m[p]) * x[c * P + p]; }
                mean[c] = s / w;
                for (int p = 0; p < P; p++) v += (1 - m[p]) * Math.Pow(x[c * P + p] - mean[c], 2);
                std[c] = Math.Sqrt(v / w + StyleFusion.Epsilon);
            }
            return (mean, std);
        }
        var (meanE, stdE) = Stats(e);
        var (meanD, stdD) = Stats(d);
        var fgHat = new double[C * P];
        var bgHat = new double[C * P];
        for (int c = 0; c < C; c++)
            for (int p = 0; p < P; p++)
            {
                fgHat[c * P + p] = m[p] * (d[c * P + p] - meanE[c]) / stdE[c];           // eq. 4
                bgHat[c * P + p] = (1 - m[p]) * (d[c * P + p] - meanD[c]) / stdD[c];     // eq. 5
            }
        // Eqs. 6-7: ψ(x) = f_s(x)·x + f_b(x), f 1x1 convolutions.
        double Psi(double[] x, int c, int p)
        {
            double s = bs[c], b = bb[c];
            for (int k = 0; k < C; k++) { s += ws[c * C + k] * x[k * P + p]; b += wb[c * C + k] * x[k * P + p]; }
            return s * x[c * P + p] + b;
        }
        for (int c = 0; c < C; c++)
            for (int p = 0; p < P; p++)
            {
                double expected = d[c * P + p] + m[p] * Psi(fgHat, c, p) + (1 - m[p]) * Psi(bgHat, c, p);
                Assert.Equal(expected, actual[c * P + p], 1e-4);
            }
    }

    [Fact]
    public void Zero_initialised_fusion_with_identical_foreground_and_background_statistics_is_the_identity()
    {
        TorchRuntime.EnsureAvailable();
        // Foreground (right half) holds the background's values mirrored: the same mean and deviation per channel.
        var d = new float[C * P];
        var rng = new Random(5);
        var m = new float[P];
        for (int c = 0; c < C; c++)
            for (int y = 0; y < Hh; y++)
                for (int x = 0; x < 2; x++)
                {
                    float v = (float)rng.NextDouble();
                    d[c * P + y * Ww + x] = v;
                    d[c * P + y * Ww + 3 - x] = v;
                }
        for (int y = 0; y < Hh; y++) for (int x = 2; x < Ww; x++) m[y * Ww + x] = 1f;
        using var fusion = new StyleFusion(C);
        Assert.All(fusion.parameters(), p => Assert.Equal(0f, p.abs().max().item<float>()));
        var input = Map(d, C);
        var output = fusion.forward(input, input, Map(m, 1)).data<float>().ToArray();
        Assert.Equal(d, output);
    }

    [Fact]
    public void Region_statistics_ignore_the_other_region()
    {
        TorchRuntime.EnsureAvailable();
        var x = tensor(new float[] { 1, 3, 100, -50 }, new long[] { 1, 1, 1, 4 });
        var w = tensor(new float[] { 1, 1, 0, 0 }, new long[] { 1, 1, 1, 4 });
        var (mean, std) = StyleFusion.RegionStatistics(x, w);
        Assert.Equal(2, mean.item<float>(), 1e-6);
        Assert.Equal(Math.Sqrt(1 + StyleFusion.Epsilon), std.item<float>(), 1e-6);
    }
}
