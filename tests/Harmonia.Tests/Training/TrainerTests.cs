using System.Globalization;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Training.Adversarial;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods;
using Harmonia.Training.Optimization;
using Harmonia.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training;

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
        var task = new ChannelGainTask(initialGain: 1.5f);
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
        var straight = new ChannelGainTask(1.5f);
        new Trainer(straight, Loader(s.Data, "train", size: 64), null, Options(s.Path_("a"), 10, adversarial: true), new LineProgress(TextWriter.Null)).Run();

        var first = new ChannelGainTask(1.5f);
        var r1 = new Trainer(first, Loader(s.Data, "train", size: 64), null, Options(s.Path_("b"), 6, adversarial: true), new LineProgress(TextWriter.Null)).Run();
        Assert.Equal(6, r1.Steps);
        var resumed = new ChannelGainTask(1.5f);
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
    public void Validation_metrics_match_hand_computation()
    {
        using var scope = NewDisposeScope();
        // 1 image 1x2: pixel 0 foreground with error 0.1 on every channel, pixel 1 background with error 0.
        var real = torch.zeros(1, 3, 1, 2);
        var pred = torch.tensor(new float[] { 0.1f, 0, 0.1f, 0, 0.1f, 0 }, [1, 3, 1, 2]);
        var mask = torch.tensor(new float[] { 1, 0 }, [1, 1, 1, 2]);
        var sc = Harmonia.Training.Reporting.HarmonizationMetrics.Compute(pred, real, mask)[0];
        double e2 = 25.5 * 25.5;
        Assert.Equal(e2 / 2, sc.Mse, 2);
        Assert.Equal(e2, sc.ForegroundMse, 2);
        Assert.Equal(10 * Math.Log10(255.0 * 255 / (e2 / 2)), sc.Psnr, 3);
    }

    [Fact]
    public void Optimizer_registry_knows_defaults_and_accepts_new_ones()
    {
        var registry = OptimizerRegistry.CreateDefault();
        Assert.Contains("adamw", registry.Names);
        bool called = false;
        registry.Register("custom", "test", (ps, st) => { called = true; return torch.optim.SGD(ps, st.LearningRate); });
        using var p = new TorchSharp.Modules.Parameter(torch.zeros(2));
        using var opt = registry.Create("custom", [p], new OptimizerSettings());
        Assert.True(called);
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => registry.Create("nope", [p], new OptimizerSettings()));
    }
}
