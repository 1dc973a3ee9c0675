using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PHNet;

public class PatchNormalizerTests
{
    const int C = 2, H = 7, W = 9, G = 3;

    /// <summary>PN output on a hand-made feature map equals eqs. 2-12 evaluated by straightforward loops.</summary>
    [Fact]
    public void Pn_block_matches_equations_5_to_12_computed_by_loops()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var rng = new Random(5);
        var x = new float[C * H * W];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 0.5);
        // Foreground: a block in the top-left plus one pixel bottom-right; every 3x3 cell keeps some background.
        var m = new float[H * W];
        for (int y = 0; y < H; y++)
        for (int xx = 0; xx < W; xx++)
            m[y * W + xx] = (y >= 1 && y < 4 && xx >= 1 && xx < 5) || (y == 6 && xx == 8) ? 1f : 0f;

        var pn = new PatchNormalizer(C, G);
        // Non-trivial parameters so every term of eqs. 10-11 matters.
        var p = pn.named_parameters().ToDictionary(t => t.name, t => t.parameter);
        using (no_grad())
        {
            p["weights"].copy_(tensor(new[] { 0.7f, 0.4f }));
            p["fg_var"].copy_(tensor(new[] { 1.1f, 0.9f }).view(1, C, 1, 1));
            p["fg_bias"].copy_(tensor(new[] { 0.05f, -0.02f }).view(1, C, 1, 1));
            p["patched_fg_var"].copy_(tensor(new[] { 0.8f, 1.3f }).view(1, C, 1, 1));
            p["patched_fg_bias"].copy_(tensor(new[] { -0.1f, 0.03f }).view(1, C, 1, 1));
            p["bg_var"].copy_(tensor(new[] { 0.3f, 0.6f }).view(1, C, 1, 1));
            p["bg_skip"].copy_(tensor(new[] { 0.75f, 0.5f }).view(1, C, 1, 1));
            p["bg_bias"].copy_(tensor(new[] { 0.01f, 0.02f }).view(1, C, 1, 1));
            p["grid_weights"].copy_(rand(1, C, G, G) / 4);
            p["grid_var_weights"].copy_(rand(1, C, G, G) + 0.5);
        }
        float[] alpha = p["grid_weights"].data<float>().ToArray(), beta = p["grid_var_weights"].data<float>().ToArray();
        float[] weights = p["weights"].data<float>().ToArray();
        float[] fgVar = p["fg_var"].data<float>().ToArray(), fgBias = p["fg_bias"].data<float>().ToArray();
        float[] pVar = p["patched_fg_var"].data<float>().ToArray(), pBias = p["patched_fg_bias"].data<float>().ToArray();
        float[] bgVar = p["bg_var"].data<float>().ToArray(), bgSkip = p["bg_skip"].data<float>().ToArray(), bgBias = p["bg_bias"].data<float>().ToArray();

        var output = pn.forward(tensor(x, new long[] { 1, C, H, W }), tensor(m, new long[] { 1, 1, H, W })).data<float>().ToArray();

        double eps = PatchNormalizer.Eps;
        for (int c = 0; c < C; c++)
        {
            double V(int y, int xx) => x[(c * H + y) * W + xx];
            // Eqs. 2-3 over the foreground (M = 1) and background (M = 0) pixels.
            (double Mean, double Std) Stats(Func<int, int, bool> take)
            {
                double s = 0, n = 0;
                for (int y = 0; y < H; y++) for (int xx = 0; xx < W; xx++) if (take(y, xx)) { s += V(y, xx); n++; }
                double mean = s / n, v = 0;
                for (int y = 0; y < H; y++) for (int xx = 0; xx < W; xx++) if (take(y, xx)) v += Math.Pow(V(y, xx) - mean, 2);
                return (mean, Math.Sqrt(v / n + eps));
            }
            bool Fg(int y, int xx) => m[y * W + xx] > 0.5f;
            var (muF, sdF) = Stats(Fg);
            var (muB, sdB) = Stats((y, xx) => !Fg(y, xx));
            // Eqs. 4, 6, 7: background statistics per cell (row y in cell y*G/H), weighted by alpha and beta.
            double localMean = 0, localVar = 0;
            for (int gy = 0; gy < G; gy++)
            for (int gx = 0; gx < G; gx++)
            {
                var (mu, sd) = Stats((y, xx) => !Fg(y, xx) && y * G / H == gy && xx * G / W == gx);
                int k = (c * G + gy) * G + gx;
                localMean += alpha[k] * mu;
                localVar += beta[k] * sd * sd;
            }
            double localStd = Math.Sqrt(localVar / (G * G));
            for (int y = 0; y < H; y++)
            for (int xx = 0; xx < W; xx++)
            {
                double v = V(y, xx);
                double fGlob = (v - muF) * sdB / sdF + muB;                                   // (5)
                double fLoc = (v - muF) * localStd / sdF + localMean;                          // (8)
                double bLoc = (v - muB) * localStd / sdB + localMean;                          // (9)
                double fTilde = weights[0] * (fgVar[c] * fGlob + fgBias[c]) + weights[1] * (pVar[c] * fLoc + pBias[c]); // (10)
                double bTilde = bgVar[c] * bLoc + bgSkip[c] * v + bgBias[c];                  // (11)
                double expected = Fg(y, xx) ? fTilde : bTilde;                                 // (12), binary mask
                Assert.True(Math.Abs(expected - output[(c * H + y) * W + xx]) < 2e-4,
                    $"c{c} ({xx},{y}): expected {expected}, got {output[(c * H + y) * W + xx]}");
            }
        }
    }

    /// <summary>A background cell with no background pixels takes the global background statistics.</summary>
    [Fact]
    public void Empty_background_cell_falls_back_to_global_statistics()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var x = rand(1, 1, 4, 4);
        var mask = zeros(1, 1, 4, 4);
        mask[0, 0, TensorIndex.Slice(0, 2), TensorIndex.Slice(0, 2)] = tensor(1f);   // cell (0,0) of a 2x2 grid is all foreground
        var (gm, gs) = PatchStatistics.Global(x, 1 - mask, 1e-5);
        var (cm, cs) = PatchStatistics.Cells(x, 1 - mask, 2, 1e-5, gm, gs);
        Assert.Equal(gm.item<float>(), cm[0, 0, 0, 0].item<float>(), 5);
        Assert.Equal(gs.item<float>(), cs[0, 0, 0, 0].item<float>(), 5);
        // Cell (1,1) is all background: its own mean.
        Assert.Equal(x[0, 0, TensorIndex.Slice(2, 4), TensorIndex.Slice(2, 4)].mean().item<float>(), cm[0, 0, 1, 1].item<float>(), 5);
    }
}
