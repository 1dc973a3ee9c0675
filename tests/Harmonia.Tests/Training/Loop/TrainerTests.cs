using Harmonia.Core.Metrics;
using Harmonia.Core.Imaging;
using System.Globalization;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Training.Adversarial;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods;
using Harmonia.Training.Methods.ChannelGain;
using Harmonia.Training.Optimization;
using Harmonia.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Loop;

public class TrainerTests
{
    static HarmonizationLoader Loader(string root, string? split, int seed = 5, bool validation = false, int size = 32) =>
        HarmonizationLoader.Open(root, split, validation
            ? LoaderOptions.Validation(size: size, batchSize: 4)
            : new LoaderOptions { Size = size, BatchSize = 4, Seed = seed });

    static TrainerOptions Options(string output, long? steps, bool adversarial = false) => new()
    {
        OutputDirectory = output,
        Epochs = 100,
        MaxSteps = steps,
        OptimizerSettings = new OptimizerSettings(LearningRate: 0.05, WeightDecay: 0),
        Adversarial = adversarial ? new AdversarialOptions(Weight: 0.01, LearningRate: 1e-3, BaseChannels: 8, Every: 2, InputSize: 32) : null,
        LogEvery = 5,
        CheckpointEvery = 1000,
        PlotEvery = 1000,
        ValidateEvery = 0,
        Seed = 3,
        Threads = 1,
    };

    [Fact]
    public void Channel_gain_loss_falls_and_outputs_are_written()
    {
        using var s = TrainingScratch.WithLayout(20, 32, 32);
        var task = new ChannelGainTrainingTask(initialGain: 1.5f);
        var trainer = new Trainer(task, Loader(s.Data, "train"), Loader(s.Data, "test", validation: true),
            Options(s.Path_("run"), steps: 40), new LineProgress(TextWriter.Null));
        var result = trainer.Run();
        Assert.Equal(40, result.Steps);
        var rows = File.ReadAllLines(s.Path_("run/log.csv"));
        var header = rows[0].Split(',');
        int rl1 = Array.IndexOf(header, "rl1");
        Assert.True(rl1 > 0, rows[0]);
        double first = double.Parse(rows[1].Split(',')[rl1], CultureInfo.InvariantCulture);
        double last = double.Parse(rows[^1].Split(',')[rl1], CultureInfo.InvariantCulture);
        Assert.True(last < 0.6 * first, $"relative L1 went {first} -> {last}");
        Assert.Equal(9, rows.Length); // header + 40/5 rows
        Assert.True(File.Exists(s.Path_("run/loss.png")));
        Assert.True(File.Exists(s.Path_("run/generator.safetensors")));
        Assert.True(File.Exists(s.Path_("run/best.safetensors")));
        Assert.NotNull(result.LastValidation);
        Assert.True(result.LastValidation!.ForegroundMse > 0 && result.LastValidation.Psnr > 10);
        var valRows = File.ReadAllLines(s.Path_("run/val.csv"));
        Assert.Equal(11, valRows.Length); // header + 9 epoch ends + the final step
        // Shipped weights are the generator's state dict by PyTorch names.
        var weights = SafeTensors.Read(result.WeightsPath, out var meta);
        Assert.Equal(["bias", "gain"], weights.Keys.Order().ToArray());
        Assert.Equal("channel-gain", meta["method"]);
        foreach (var t in weights.Values) t.Dispose();
    }

    [Fact]
    public void Resume_continues_at_the_right_step_with_identical_weights()
    {
        using var s = TrainingScratch.WithLayout(20, 64, 64);
        // 64² crops, the discriminator sees them area-downsampled to 32². 16 training samples / batch 4 = 4 steps per epoch; 10 steps cross two epoch boundaries.
        var straight = new ChannelGainTrainingTask(1.5f);
        new Trainer(straight, Loader(s.Data, "train", size: 64), null, Options(s.Path_("a"), 10, adversarial: true), new LineProgress(TextWriter.Null)).Run();

        var first = new ChannelGainTrainingTask(1.5f);
        var r1 = new Trainer(first, Loader(s.Data, "train", size: 64), null, Options(s.Path_("b"), 6, adversarial: true), new LineProgress(TextWriter.Null)).Run();
        Assert.Equal(6, r1.Steps);
        var resumed = new ChannelGainTrainingTask(1.5f);
        var r2 = new Trainer(resumed, Loader(s.Data, "train", size: 64), null, Options(s.Path_("b"), 10, adversarial: true) with { Resume = true }, new LineProgress(TextWriter.Null)).Run();
        Assert.Equal(10, r2.Steps);

        var a = straight.Generator.state_dict();
        var b = resumed.Generator.state_dict();
        foreach (var name in a.Keys)
            Assert.Equal(a[name].data<float>().ToArray(), b[name].data<float>().ToArray());
        // The log continues: steps 5 and 10 once each (rows every 5 steps, plus the stop row at 6 which the resume keeps).
        var lines = File.ReadAllLines(s.Path_("b/log.csv"));
        Assert.Equal(["5", "6", "10"], lines.Skip(1).Select(l => l.Split(',')[0]).ToArray());
        // Adversarial terms (every 2nd step, D on 32² inputs) are averaged over the steps that ran them.
        int advD = Array.IndexOf(lines[0].Split(','), "adv_d");
        Assert.True(advD > 0, lines[0]);
        // Rows 5 and 10 cover adversarial steps; row 6 covers step index 5 only, which has none (NaN).
        var adv = lines.Skip(1).Select(l => double.Parse(l.Split(',')[advD], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(adv[0] > 0 && double.IsNaN(adv[1]) && adv[2] > 0, string.Join(" ", adv));
    }

    [Fact]
    public void Lsgan_discriminator_steps_reduce_its_loss_on_separable_inputs()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(4);
        var d = new PatchDiscriminator(3, baseChannels: 8);
        d.train();
        // Scalar-safe optimizer and arithmetic (Models/Runtime/README.md: TorchSharp's RMSProp made this test flaky).
        using var opt = new ScalarSafeRMSProp(d.parameters(), 1e-3);
        // Real: bright smooth images; fake: dark noisy ones.
        var real = torch.rand(4, 3, 32, 32).mul(TorchScalars.Of(0.1)).Plus(0.7);
        var fake = torch.rand(4, 3, 32, 32).mul(TorchScalars.Of(0.3));
        Assert.Equal(new long[] { 4, 1, 1, 1 }, d.forward(real).shape);
        using var big = torch.zeros(1, 3, 256, 256);
        Assert.Equal(new long[] { 1, 1, 15, 15 }, d.forward(big).shape);
        double first = 0, last = 0;
        for (int i = 0; i < 30; i++)
        {
            using var stepScope = NewDisposeScope();
            opt.zero_grad();
            var loss = LsganLoss.Discriminator(d.forward(real), d.forward(fake));
            loss.backward();
            opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.3 * first, $"D loss {first} -> {last}");
        Assert.Equal(0.5 * (1 + 0), LsganLoss.Discriminator(torch.zeros(3), torch.zeros(3)).item<float>(), 5);
        Assert.Equal(4.0, LsganLoss.Generator(torch.full(2, -1f)).item<float>(), 5);
    }

    [Fact]
    public void Validation_metrics_equal_core_metrics_of_the_same_images()
    {
        using var scope = NewDisposeScope();
        // Two 5x4 images; the second has an empty mask. Predictions lie 0.3 level above a byte (or outside [0, 1]),
        // so they round to known bytes; Core scores those bytes.
        const int n = 2, h = 4, w = 5, plane = h * w;
        var rng = new Random(5);
        var predictionBytes = new byte[n * 3 * plane];
        var realBytes = new byte[n * 3 * plane];
        rng.NextBytes(predictionBytes);
        rng.NextBytes(realBytes);
        var prediction = predictionBytes.Select(b => (b + 0.3f) / 255f).ToArray();
        prediction[0] = -0.2f; predictionBytes[0] = 0;
        prediction[1] = 1.3f; predictionBytes[1] = 255;
        var mask = new float[n * plane];
        for (int i = 0; i < plane; i++) mask[i] = i % 3 == 0 ? 1 : 0;
        var scores = Harmonia.Training.Reporting.HarmonizationMetrics.Compute(
            torch.tensor(prediction, [n, 3, h, w]), torch.tensor(realBytes.Select(b => b / 255f).ToArray(), [n, 3, h, w]),
            torch.tensor(mask, [n, 1, h, w]));
        for (int k = 0; k < n; k++)
        {
            RgbImage Interleaved(byte[] planar)
            {
                var image = new RgbImage(w, h);
                for (int c = 0; c < 3; c++)
                    for (int i = 0; i < plane; i++) image.Pixels[3 * i + c] = planar[(k * 3 + c) * plane + i];
                return image;
            }
            var expected = MetricProtocols.Harmonia.Score(Interleaved(predictionBytes), Interleaved(realBytes),
                new Mask(w, h, mask.AsSpan(k * plane, plane).ToArray()));
            Assert.Equal(expected with { Ssim = double.NaN, Fssim = double.NaN }, scores[k]);
        }
        Assert.True(double.IsFinite(scores[0].Fmse));
        Assert.True(double.IsNaN(scores[1].Fmse)); // the empty-mask rule
    }

    [Fact]
    public void Optimizer_registry_knows_defaults_and_accepts_new_ones()
    {
        var registry = OptimizerRegistry.CreateDefault();
        Assert.Contains("adamw", registry.Names);
        bool called = false;
        registry.Register(new OptimizerDescriptor("custom", "test", (ps, st) => { called = true; return torch.optim.SGD(ps, st.LearningRate); }));
        using var p = new TorchSharp.Modules.Parameter(torch.zeros(2));
        using var opt = registry.Create("custom", [p], new OptimizerSettings());
        Assert.True(called);
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => registry.Create("nope", [p], new OptimizerSettings()));
    }
}
