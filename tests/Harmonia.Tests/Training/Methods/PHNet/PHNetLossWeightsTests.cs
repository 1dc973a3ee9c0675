using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using Harmonia.Training.Contracts;
using Harmonia.Training.Methods;
using Harmonia.Training.Methods.PHNet;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Methods.PHNet;

/// <summary><c>--psnr-weight</c>, <c>--fnmse-weight</c>, <c>--grad-weight</c> reach the loss the training step uses.</summary>
public class PHNetLossWeightsTests
{
    static PHNetTrainingTask Task(params (string Key, string Value)[] settings) =>
        PHNetTraining.Create(new TrainingContext(
            MethodSettings.From(settings.Select(s => KeyValuePair.Create(s.Key, s.Value)).Append(KeyValuePair.Create("width", "4"))),
            DataRoot: "", Size: 32, Seed: 0, OutputDirectory: ""));

    /// <summary>A (2, 1, 32, 32) mask with a 16×16 foreground in the middle.</summary>
    static Tensor CentreMask()
    {
        var mask = zeros(2, 1, 32, 32);
        mask[.., .., 8..24, 8..24] = tensor(1f);
        return mask;
    }

    static HarmonizationBatch Batch(Tensor composite, Tensor mask, Tensor real) =>
        new(composite, mask, real, zeros(2, ScalarType.Int64), ["a", "b"]);

    [Fact]
    public void The_step_total_is_the_weighted_sum_of_the_terms()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(3);
        var composite = rand(2, 3, 32, 32);
        var real = (composite + 0.2f * rand(2, 3, 32, 32)).clamp(0, 1);
        using var batch = Batch(composite, CentreMask(), real);

        foreach (var (p, f, g) in new[] { (0.2, 0.01, 0.01), (0.0, 1.0, 0.0), (0.0, 2.0, 0.5) })
        {
            var task = Task(("psnr-weight", $"{p}"), ("fnmse-weight", $"{f}"), ("grad-weight", $"{g}"));
            using var _ = no_grad();
            var step = task.Forward(batch);
            double expected = p * step.Terms["psnr"].item<float>() + f * step.Terms["fnmse"].item<float>() + g * step.Terms["grad"].item<float>();
            Assert.True(step.Terms["fnmse"].item<float>() > 1e-4); // the residual network starts near the identity: a real error
            Assert.Equal(expected, step.Loss.item<float>(), 5);
        }
    }

    [Fact]
    public void Harm_weight_reaches_the_step_and_uses_the_batch_composite()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(4);
        var real = rand(2, 3, 32, 32);
        var mask = CentreMask();
        // Composites a little off the target: the perturbed network below changes them more than that.
        var composite = (real + 0.02f * rand(2, 3, 32, 32) * mask).clamp(0, 1);
        using var batch = Batch(composite, mask, real);
        using var _ = no_grad();
        PHNetTrainingTask Perturbed(params (string, string)[] settings)
        {
            // The residual network starts at the identity (no harm possible): move every weight a little, the same way for both tasks.
            manual_seed(5);
            var task = Task(settings);
            foreach (var p in task.Generator.parameters()) p.add_(0.05f * randn_like(p));
            return task;
        }
        var plain = Perturbed().Forward(batch);
        var step = Perturbed(("harm-weight", "2")).Forward(batch);
        Assert.False(plain.Terms.ContainsKey("harm"));
        float harm = step.Terms["harm"].item<float>();
        Assert.True(harm > 0);
        Assert.Equal(PHNetLoss.HarmTerm(step.Prediction, composite, real).item<float>(), harm, 5);
        Assert.NotEqual(PHNetLoss.HarmTerm(step.Prediction, real, real).item<float>(), harm, 3);
        Assert.Equal(plain.Loss.item<float>() + 2 * harm, step.Loss.item<float>(), 4);
    }

    [Fact]
    public void All_weights_zero_or_negative_is_a_usage_error()
    {
        TorchRuntime.EnsureAvailable();
        Assert.Throws<UsageException>(() => Task(("psnr-weight", "0"), ("fnmse-weight", "0"), ("grad-weight", "0")));
        Assert.Throws<UsageException>(() => Task(("fnmse-weight", "-1")));
        Assert.Throws<UsageException>(() => Task(("harm-weight", "-1")));
    }
}
