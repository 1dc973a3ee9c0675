using Harmonia.Core.Methods;
using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Tests.Support;
using Harmonia.Training.Contracts;
using Harmonia.Training.Methods.S2CRNet;
using Harmonia.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.S2CRNet;

public class S2CRNetTests
{
    static S2CRNetTests() => TorchRuntime.EnsureAvailable();

    [Fact]
    public void Torch_curve_equals_the_core_formula()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        var p = torch.rand(2, 3, 16) + 0.05;
        var x = torch.rand(2, 3, 5, 7) * 1.2 - 0.1; // includes values outside [0, 1]
        var y = CurveRendering.Render(x, p);
        var pa = p.data<float>().ToArray();
        var xa = x.data<float>().ToArray();
        var ya = y.data<float>().ToArray();
        for (int n = 0; n < 2; n++)
            for (int c = 0; c < 3; c++)
            {
                var curve = pa.AsSpan((n * 3 + c) * 16, 16);
                for (int i = 0; i < 35; i++)
                {
                    int k = (n * 3 + c) * 35 + i;
                    Assert.Equal(PiecewiseCurve.Evaluate(curve, xa[k]), ya[k], 4);
                }
            }
    }

    [Fact]
    public void Core_full_resolution_render_matches_torch_cascade_within_one_level()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        var config = new S2CRNetConfig(Stages: 2, Levels: 64, InputSize: 64);
        using var model = new S2CRNetModel(config);
        var image = TestImages.Gradient(40, 30, seed: 4);
        var mask = Mask.Filled(40, 30, 1f);
        // Random positive curves, then the same cascade through torch and through the Core LUT.
        var p = torch.rand(1, 2, 3, 64) + 0.1;
        var x = torch.tensor(image.Pixels.Select(b => b / 255f).ToArray()).view(1, 30, 40, 3).permute(0, 3, 1, 2).contiguous();
        var y = CurveRendering.Render(CurveRendering.Render(x, p.select(1, 0)), p.select(1, 1));
        var torchBytes = (y.permute(0, 2, 3, 1).contiguous() * 255).data<float>().ToArray();
        var set = new CurveSet(2, 64, p.data<float>().ToArray());
        var rendered = ForegroundRenderer.Render(image, mask, set.ToLut());
        for (int i = 0; i < torchBytes.Length; i++)
            Assert.InRange(rendered.Pixels[i] - torchBytes[i], -1.0, 1.0);
    }

    [Fact]
    public void State_dict_uses_the_official_parameter_names()
    {
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Semantic: true));
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var n in new[]
                 {
                     "squeezenet1_1.0.weight", "squeezenet1_1.0.bias", "squeezenet1_1.3.squeeze.weight",
                     "squeezenet1_1.3.expand1x1.weight", "squeezenet1_1.11.expand3x3.bias",
                     "fusion.cr1.fc_f_1.fc1.weight", "fusion.cr1.fc_b_1.fc1.bias", "fusion.cr2.fc_label_1.weight",
                     "fusion.cr2.fc_label_2.bias", "fusion.cr2.fc_f_label.weight",
                 })
            Assert.Contains(n, names);
        Assert.DoesNotContain(names, n => n.StartsWith("squeezenet1_1.12", StringComparison.Ordinal) || n.StartsWith("fusion.cr3", StringComparison.Ordinal));
        Assert.Equal(new long[] { 192, 576 }, model.state_dict()["fusion.cr1.fc_f_label.weight"].shape);
        Assert.Equal(new long[] { 64, 3, 3, 3 }, model.state_dict()["squeezenet1_1.0.weight"].shape);
    }

    [Fact]
    public void Untrained_softplus_model_starts_near_identity_and_keeps_background()
    {
        torch.manual_seed(1);
        var image = TestImages.Gradient(90, 70, seed: 3);
        var mask = TestImages.Ellipse(90, 70);
        using var harmonizer = new S2CRNetHarmonizer(new S2CRNetModel(new S2CRNetConfig(InputSize: 64)));
        var result = harmonizer.Harmonize(image, mask);
        ImageAssert.BackgroundUnchanged(image, result, mask);
        var lut = harmonizer.LastCurves!.ToLut();
        for (int v = 0; v < 256; v += 15) Assert.InRange(lut[0, v] - v, -40, 40);
    }

    [Fact]
    public void A_few_training_steps_lower_the_relative_l1()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(7);
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Levels: 16, InputSize: 64));
        var task = new S2CRNetTrainingTask(model);
        // Scalar-safe arithmetic and optimizer throughout: a temporary Scalar here made this test fail now and then
        // when another test's thread collected garbage mid-call (Models/Runtime/README.md).
        var real = torch.rand(4, 3, 1, 1).mul(TorchScalars.Of(0.5)).Plus(0.25).Plus(torch.rand(4, 3, 64, 64).mul(TorchScalars.Of(0.2)));
        var maskT = torch.zeros(4, 1, 64, 64);
        maskT[.., .., 16..48, 8..40] = torch.tensor(1f);
        var composite = (real * maskT.OneMinus()).Plus(real.mul(TorchScalars.Of(0.6)) * maskT); // the foreground is darker
        var labels = torch.full(4, 4, dtype: ScalarType.Int64);
        using var optimizer = new ScalarSafeAdam(task.TrainableParameters(), lr: 1e-3);
        float first = 0, last = 0;
        for (int step = 0; step < 25; step++)
        {
            using var stepScope = NewDisposeScope();
            var batch = new HarmonizationBatch(composite.alias(), maskT.alias(), real.alias(), labels.alias(), ["a", "b", "c", "d"]);
            var output = task.Forward(batch);
            optimizer.zero_grad();
            output.Loss.backward();
            optimizer.step();
            float loss = output.Loss.item<float>();
            if (step == 0) first = loss;
            last = loss;
        }
        Assert.True(last < 0.7f * first, $"loss {first} -> {last}");
    }

    [Fact]
    public void Relative_l1_matches_hand_computation()
    {
        using var scope = NewDisposeScope();
        var pred = torch.zeros(1, 3, 2, 2);
        var target = torch.zeros(1, 3, 2, 2);
        target[0, 0, 0, 0] = torch.tensor(0.5f);
        target[0, 1, 0, 1] = torch.tensor(0.25f);
        target[0, 2, 1, 1] = torch.tensor(1f); // outside the mask
        var mask = torch.zeros(1, 1, 2, 2);
        mask[0, 0, 0, 0] = torch.tensor(1f);
        mask[0, 0, 0, 1] = torch.tensor(1f);
        // Σ|diff| inside the mask = 0.75 over an area of 2 pixels.
        Assert.Equal(0.375f, S2CRNetLoss.RelativeL1(pred, target, mask).item<float>(), 5);
    }
}
