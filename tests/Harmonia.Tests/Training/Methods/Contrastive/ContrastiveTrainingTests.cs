using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Models.Contrastive;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using Harmonia.Training.Contracts;
using Harmonia.Training.Methods;
using Harmonia.Training.Methods.Contrastive;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Methods.Contrastive;

public class ContrastiveTrainingTests
{
    static TrainingContext Context(int size, params string[] settings) =>
        new(MethodSettings.Parse(settings), "unused", size, 0, Path.GetTempPath());

    static HarmonizationBatch Batch()
    {
        manual_seed(1);
        var composite = rand(2, 3, 32, 32);
        var mask = zeros(2, 1, 32, 32);
        mask.narrow(2, 8, 16).narrow(3, 8, 16).fill_(TorchScalars.One);
        // The ground truth differs from the composite only in the foreground (as paired data does).
        var real = (composite * mask.OneMinus()).Plus(((composite * 0.8).Plus(0.1)) * mask);
        return new HarmonizationBatch(composite, mask, real, zeros(2), ["a", "b"]);
    }

    [Fact]
    public void Registered_and_settings_build_the_ablation_variants()
    {
        TorchRuntime.EnsureAvailable();
        var method = TrainableMethods.CreateDefault().Get(ContrastiveMethod.Name);
        Assert.True(MethodCatalog.CreateDefault().Contains(ContrastiveMethod.Name));
        var full = (ContrastiveTrainingTask)method.Factory(Context(32, "width=4"));
        var plain = (ContrastiveTrainingTask)method.Factory(Context(32, "width=4", "no-fusion=true", "hcl-weight=0"));
        Assert.Contains(full.Generator.named_parameters(), p => p.name.Contains(".fusion.", StringComparison.Ordinal));
        Assert.DoesNotContain(plain.Generator.named_parameters(), p => p.name.Contains(".fusion.", StringComparison.Ordinal));
        Assert.Equal(0, plain.Objective.ContrastiveWeight);
        Assert.Throws<UsageException>(() => method.Factory(Context(40, "width=4")));
    }

    [Fact]
    public void Forward_gives_the_paper_terms_and_hcl_reaches_the_projector()
    {
        TorchRuntime.EnsureAvailable();
        var task = ContrastiveTraining.Create(Context(32, "width=4", "samples=16"));
        using var batch = Batch();
        var step = task.Forward(batch);
        Assert.Equal(["hcl", "l1", "pixel"], step.Terms.Keys.Order());
        double l1 = step.Terms["l1"].item<float>(), pixel = step.Terms["pixel"].item<float>(), hcl = step.Terms["hcl"].item<float>();
        Assert.Equal(0.4 * l1 + 0.5 * pixel + 0.1 * hcl, step.Loss.item<float>(), 4);
        // The blended prediction of a fresh network is the composite, so L1 over the whole image is the foreground's error times its share (1/4).
        Assert.Equal(pixel / 4, l1, 4);
        step.Loss.backward();
        var projector = ((ContrastiveModel)task.Generator).Projector.parameters().First();
        Assert.True(projector.grad!.abs().sum().item<float>() > 0);

        var withoutHcl = ContrastiveTraining.Create(Context(32, "width=4", "hcl-weight=0"));
        Assert.DoesNotContain("hcl", withoutHcl.Forward(batch).Terms.Keys);
    }

    [Fact]
    public void Trained_weights_load_through_the_registry()
    {
        TorchRuntime.EnsureAvailable();
        var task = ContrastiveTraining.Create(Context(64, "width=4", "no-fusion=true"));
        var path = Path.Combine(Path.GetTempPath(), $"contrastive-{Guid.NewGuid():N}.safetensors");
        try
        {
            // Without fusion: the harmonizer must build the network the metadata describes, not the default one.
            StateDictIO.Save(task.Generator, path, task.WeightsMetadata);
            var harmonizer = MethodCatalog.CreateDefault().Create(ContrastiveMethod.Name, MethodSettings.Parse([$"model={path}"]));
            var composite = TestImages.Gradient(90, 60);
            var mask = TestImages.Ellipse(90, 60);
            var result = harmonizer.Harmonize(composite, mask);
            ImageAssert.Close(composite, result, 1);
            (harmonizer as IDisposable)?.Dispose();
        }
        finally { File.Delete(path); }
    }
}
