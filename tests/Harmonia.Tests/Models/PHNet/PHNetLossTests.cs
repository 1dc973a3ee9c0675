using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PHNet;

public class PHNetLossTests
{
    [Fact]
    public void Loss_terms_match_hand_values()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        // One sample, 3x1x2 (C,H,W): target = 0.5 everywhere except one 1.0; prediction off by 0.1 at two values.
        var target = tensor(new[] { 0.5f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f }, new long[] { 1, 3, 1, 2 });
        var pred = tensor(new[] { 0.6f, 1.0f, 0.5f, 0.5f, 0.5f, 0.4f }, new long[] { 1, 3, 1, 2 });
        var mask = tensor(new[] { 1f, 0f }, new long[] { 1, 1, 1, 2 });

        // MSE = 0.02/6; PSNR = 20 log10(1 / sqrt(MSE)); L = 100 / PSNR.
        double mse = 0.02 / 6, psnr = 20 * Math.Log10(1.0 / Math.Sqrt(mse));
        Assert.Equal(100 / psnr, PHNetLoss.PsnrTerm(pred, target).item<float>(), 4);
        // FN-MSE: sum of squares 0.02 / max(A_min, 1) with A_min = 100, and with A_min = 0.5 → 0.02 / 1.
        Assert.Equal(0.02 / 100, PHNetLoss.ForegroundNormalizedMse(pred, target, mask).item<float>(), 6);
        Assert.Equal(0.02, PHNetLoss.ForegroundNormalizedMse(pred, target, mask, 0.5).item<float>(), 6);
        // Gradients: W = 2, H = 1 → only x differences per channel: pred (0.4, 0, -0.1), target (0.5, 0, 0);
        // squared errors 0.01, 0, 0.01 → mean 0.02/3; no y differences (empty → mean NaN guarded below).
        var g = PHNetLoss.GradientMse(pred.repeat(1, 1, 2, 1), target.repeat(1, 1, 2, 1)).item<float>();
        // With the row repeated, y differences are all 0 for both: L_G = 0.02/3 + 0.
        Assert.Equal(0.02 / 3, g, 5);

        var loss = new PHNetLoss();
        var (total, terms) = loss.Compute(pred.repeat(1, 1, 2, 1), target.repeat(1, 1, 2, 1), mask.repeat(1, 1, 2, 1));
        double expectedTotal = 0.2 * (100 / psnr) + 0.01 * (0.04 / 100) + 0.01 * (0.02 / 3);
        Assert.Equal(expectedTotal, total.item<float>(), 4);
        Assert.Equal(3, terms.Count);
    }
}
