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

    [Fact]
    public void Harm_term_counts_only_the_samples_made_worse_than_their_composite()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        // Two samples, 3x1x2, target 0.5 with one 1.0 (peak 1). Sample 0: composite off by 0.1 at one value, prediction
        // off by 0.2 there (worse). Sample 1: composite off by 0.2, prediction off by 0.1 (better).
        var target = tensor(new[] { 0.5f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f }, new long[] { 2, 3, 1, 2 });
        var composite = tensor(new[] { 0.6f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.7f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f }, new long[] { 2, 3, 1, 2 });
        var prediction = tensor(new[] { 0.7f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.6f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f }, new long[] { 2, 3, 1, 2 });
        static double L(double squaredError) => 100 / (20 * Math.Log10(1.0 / Math.Sqrt(squaredError / 6)));

        // Sample 0 adds L(0.04) − L(0.01); sample 1 adds nothing; batch mean over 2.
        double expected = (L(0.04) - L(0.01)) / 2;
        Assert.Equal(expected, PHNetLoss.HarmTerm(prediction, composite, target).item<float>(), 5);
        Assert.Equal(0.0, PHNetLoss.HarmTerm(composite, composite, target).item<float>(), 6);
        Assert.Equal(0.0, PHNetLoss.HarmTerm(target, composite, target).item<float>(), 6);

        var mask = ones(2, 1, 1, 2);
        var (plainTotal, plainTerms) = new PHNetLoss().Compute(prediction, target, mask, composite);
        var (total, terms) = new PHNetLoss { HarmWeight = 3 }.Compute(prediction, target, mask, composite);
        Assert.False(plainTerms.ContainsKey("harm"));
        Assert.Equal(expected, terms["harm"].item<float>(), 5);
        Assert.Equal(plainTotal.item<float>() + 3 * expected, total.item<float>(), 4);
        Assert.Throws<ArgumentException>(() => new PHNetLoss { HarmWeight = 1 }.Compute(prediction, target, mask));
    }

    [Fact]
    public void Harm_term_pulls_a_worse_sample_toward_its_composite_only()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var target = full(new long[] { 2, 3, 4, 4 }, 0.5f);
        var composite = target.clone();
        composite[0] += 0.05f;                        // sample 0: a mild composite
        composite[1] += 0.30f;                        // sample 1: a strong one
        var prediction = target.clone();
        prediction[0] -= 0.10f;                       // worse than its composite
        prediction[1] += 0.10f;                       // better than its composite
        prediction.requires_grad_(true);
        PHNetLoss.HarmTerm(prediction, composite, target).backward();
        var grad = prediction.grad!;
        Assert.True(grad[0].abs().sum().item<float>() > 0, "the harmed sample gets a gradient");
        Assert.True(grad[0].mean().item<float>() < 0, "descending it raises the harmed prediction back toward the target");
        Assert.Equal(0f, grad[1].abs().sum().item<float>());
    }
}
