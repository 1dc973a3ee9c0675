using Harmonia.Models.Contrastive;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Contrastive;

public class RegionContrastiveLossTests
{
    [Fact]
    public void InfoNce_equals_equation_11_by_hand()
    {
        TorchRuntime.EnsureAvailable();
        // v^bg = (1, 0), v^fg = (0, 1), P = {(0.6, 0.8), (1, 0)}, N = {(0.8, 0.6), (0, 1)}, τ = 0.5:
        // v^bg·P_i/τ = 1.2, 2; v^fg·N_k/τ = 1.2, 2; Σ_k exp = e^1.2 + e^2 = 10.709...
        // term i = −log(e^a_i / (e^a_i + 10.709)) = 1.44115, 0.89581; mean 1.16848.
        var loss = RegionContrastiveLoss.InfoNce(
            tensor(new float[] { 1, 0 }), tensor(new float[] { 0, 1 }),
            tensor(new float[] { 0.6f, 0.8f, 1, 0 }, new long[] { 2, 2 }),
            tensor(new float[] { 0.8f, 0.6f, 0, 1 }, new long[] { 2, 2 }), 0.5).item<float>();
        double negatives = Math.Exp(1.2) + Math.Exp(2);
        double expected = (-Math.Log(Math.Exp(1.2) / (Math.Exp(1.2) + negatives)) - Math.Log(Math.Exp(2) / (Math.Exp(2) + negatives))) / 2;
        Assert.Equal(1.16848, expected, 4);
        Assert.Equal(expected, loss, 4);
    }

    [Fact]
    public void InfoNce_is_smaller_when_the_query_matches_its_positives_better()
    {
        TorchRuntime.EnsureAvailable();
        var negatives = tensor(new float[] { 0, 1, 0.6f, 0.8f }, new long[] { 2, 2 });
        var positives = tensor(new float[] { 1, 0, 1, 0 }, new long[] { 2, 2 });
        double aligned = RegionContrastiveLoss.InfoNce(tensor(new float[] { 1, 0 }), tensor(new float[] { -1, 0 }), positives, negatives, 0.07).item<float>();
        double opposed = RegionContrastiveLoss.InfoNce(tensor(new float[] { -1, 0 }), tensor(new float[] { -1, 0 }), positives, negatives, 0.07).item<float>();
        Assert.True(aligned < 0.01, $"aligned {aligned}");
        Assert.True(opposed > 10, $"opposed {opposed}");
    }

    [Fact]
    public void Loss_reaches_the_output_only_through_its_foreground_and_works_with_fewer_cells_than_K()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(4);
        using var model = new ContrastiveModel(new ContrastiveConfig(Width: 2, EmbeddingSize: 8));
        var mask = zeros(1, 1, 16, 16);
        mask.narrow(3, 0, 8).fill_(TorchScalars.One);                         // left half: 8 cells of 4x4 of 16
        var composite = rand(1, 3, 16, 16);
        var real = rand(1, 3, 16, 16);
        var output = rand(1, 3, 16, 16).requires_grad_(true);
        var loss = RegionContrastiveLoss.Compute(model.Projector, output, composite, real, mask, samples: 256, temperature: 0.07);
        Assert.True(float.IsFinite(loss.item<float>()) && loss.item<float>() > 0);
        loss.backward();
        var grad = output.grad!;
        double inside = grad.narrow(3, 0, 8).abs().sum().item<float>();
        double outside = grad.narrow(3, 8, 8).abs().sum().item<float>();
        Assert.True(inside > 0, "no gradient in the foreground");
        Assert.Equal(0, outside);
    }

    [Fact]
    public void Images_without_background_contribute_no_loss()
    {
        TorchRuntime.EnsureAvailable();
        using var model = new ContrastiveModel(new ContrastiveConfig(Width: 2, EmbeddingSize: 8));
        var image = rand(1, 3, 16, 16);
        var loss = RegionContrastiveLoss.Compute(model.Projector, image, image, image, ones(1, 1, 16, 16), 16, 0.07);
        Assert.Equal(0f, loss.item<float>());
    }
}
