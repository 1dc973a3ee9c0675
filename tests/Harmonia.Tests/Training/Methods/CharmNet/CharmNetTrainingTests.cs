using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.CharmNet;
using Harmonia.Models.Runtime;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using Harmonia.Training.Methods;
using Harmonia.Training.Methods.CharmNet;
using Harmonia.Training.Optimization;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Methods.CharmNet;

public class CharmNetTrainingTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A tiny rendered set: the synthetic layout plus a sidecar whose labels say style (i mod 10) for the ground truth and mix in style (i+3 mod 10) at 25 %.</summary>
    static string RenderedSet(TrainingScratch s, int count = 12)
    {
        var names = SyntheticLayout.Write(s.Data, count, 128, 128);
        var lines = names.Select((name, i) =>
        {
            var bg = new double[10];
            bg[i % 10] = 1;
            var composite = (double[])bg.Clone();
            composite[i % 10] = 0.75;
            composite[(i + 3) % 10] += 0.25;
            string Json(double[] v) => "[" + string.Join(",", v.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]";
            return $"{{\"subset\":\"Synth\",\"composite\":\"{name}\",\"composite_label\":{Json(composite)},\"bg_label\":{Json(bg)}}}";
        });
        File.WriteAllLines(Path.Combine(s.Data, "samples.jsonl"), lines);
        return s.Data;
    }

    static TrainingContext Context(string output, params string[] settings) =>
        new(MethodSettings.Parse(settings), "unused", 128, 0, output, BatchSize: 2);

    static HarmonizationBatch RealBatch()
    {
        manual_seed(1);
        var composite = rand(2, 3, 128, 128);
        var mask = zeros(2, 1, 128, 128);
        mask.narrow(2, 32, 64).narrow(3, 32, 64).fill_(TorchScalars.One);
        var real = (composite * mask.OneMinus()).Plus(((composite * 0.7).Plus(0.2)) * mask);
        return new HarmonizationBatch(composite, mask, real, zeros(2), ["a", "b"]);
    }

    [Fact]
    public void Objective_terms_match_hand_computations()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        // fnMSE: image 1 has a 4-pixel foreground (area clamps to 100), image 2 a 200-pixel one; every pixel is off by 0.1 in one channel.
        var outputImage = zeros(2, 3, 20, 20);
        outputImage.narrow(1, 0, 1).fill_(TorchScalars.Of(0.1));
        var mask = zeros(2, 1, 20, 20);
        mask[0].narrow(1, 0, 2).narrow(2, 0, 2).fill_(TorchScalars.One);
        mask[1].narrow(1, 0, 10).fill_(TorchScalars.One);
        double expected = (400 * 0.01 / (3 * 100) + 400 * 0.01 / (3 * 200)) / 2;
        Assert.Equal(expected, CharmNetObjective.ForegroundNormalizedMse(outputImage, zeros(2, 3, 20, 20), mask).item<float>(), 6);

        // Soft cross-entropy of logits (0, ln 3) against (0.5, 0.5): p = (0.25, 0.75) → −(0.5 ln 0.25 + 0.5 ln 0.75).
        var logits = tensor(new[] { 0f, (float)Math.Log(3) }, new long[] { 1, 2 });
        Assert.Equal(-(0.5 * Math.Log(0.25) + 0.5 * Math.Log(0.75)), CharmNetObjective.SoftCrossEntropy(logits, tensor(new[] { 0.5f, 0.5f }, new long[] { 1, 2 })).item<float>(), 5);

        // Entropy reduction: before uniform over 4 (H = ln 4), after one-hot-ish (H ≈ 0): max(0, 1 − ln 4 + ~0) = 0; with margin 2: 2 − ln 4.
        var before = zeros(1, 4);
        var after = tensor(new[] { 30f, 0, 0, 0 }, new long[] { 1, 4 });
        Assert.Equal(0, CharmNetObjective.StyleAggregation(before, after, 1).EntropyReduction.item<float>(), 5);
        Assert.Equal(2 - Math.Log(4), CharmNetObjective.StyleAggregation(before, after, 2).EntropyReduction.item<float>(), 4);
        // Its cross-entropy: −Σ p_before · log p_after = −¼ Σ log p_after ≈ ¼ · 3 · 30.
        Assert.Equal(22.5, CharmNetObjective.StyleAggregation(before, after, 1).CrossEntropy.item<float>(), 2);

        // Hinge: D(rendered) = 0.5 → 1.5; D(real) = 2 → 0; generator: −0.5.
        var rd = full(new long[] { 1, 1, 2, 2 }, 0.5f);
        Assert.Equal(1.5, CharmNetObjective.DiscriminatorHinge(rd, full(new long[] { 1, 1, 2, 2 }, 2f)).item<float>(), 6);
        Assert.Equal(-0.5, CharmNetObjective.GeneratorAdversarial(rd).item<float>(), 6);
    }

    [Fact]
    public void Setups_build_the_experiment_rows_and_bad_options_are_usage_errors()
    {
        TorchRuntime.EnsureAvailable();
        using var s = new TrainingScratch();
        var rendered = RenderedSet(s);
        var method = TrainableMethods.CreateDefault().Get(CharmNetMethod.Name);
        Assert.True(method.OwnsAdversary);
        using var realOnly = (CharmNetTrainingTask)method.Factory(Context(s.Path_("a"), "setup=real-only", "width=4", "classifier-width=8"));
        using var naive = (CharmNetTrainingTask)method.Factory(Context(s.Path_("b"), "setup=naive", $"rendered={rendered}", "width=4", "classifier-width=8"));
        using var full = (CharmNetTrainingTask)method.Factory(Context(s.Path_("d"), $"rendered={rendered}", "width=4", "classifier-width=8"));
        Assert.Null(realOnly.Discriminator);
        Assert.Null(naive.Discriminator);
        Assert.NotNull(full.Discriminator);
        Assert.Equal("CharmNet", full.WeightsMetadata["charmnet.setup"]);
        Assert.Equal("4", full.WeightsMetadata["charmnet.width"]);

        Assert.Throws<UsageException>(() => method.Factory(Context(s.Path_("x"), "width=4")));
        Assert.Throws<UsageException>(() => method.Factory(Context(s.Path_("x"), "setup=bogus", "width=4")));
        Assert.Throws<UsageException>(() => method.Factory(Context(s.Path_("x"), $"rendered={s.Path_("missing")}", "width=4")));
        Assert.Throws<UsageException>(() => method.Factory(new TrainingContext(MethodSettings.Parse(["setup=real-only"]), "unused", 96, 0, s.Path_("x"))));
        File.WriteAllText(Path.Combine(rendered, "samples.jsonl"), "{\"composite\":\"s00000_1_1.png\"}\n");
        Assert.Throws<UsageException>(() => method.Factory(Context(s.Path_("x"), $"rendered={rendered}", "width=4")));
    }

    [Fact]
    public void Rendered_stream_serves_batches_with_their_style_labels()
    {
        TorchRuntime.EnsureAvailable();
        using var s = new TrainingScratch();
        using var stream = new RenderedStream(RenderedSet(s), 10, new LoaderOptions { BatchSize = 3, Size = 128, Seed = 4, Workers = 1 });
        for (int k = 0; k < 5; k++) // more batches than one epoch holds (9 training samples)
        {
            var (batch, composite, background) = stream.Next();
            using (batch)
            {
                Assert.Equal(new long[] { 3, 10 }, composite.shape);
                var c = composite.data<float>().ToArray();
                var b = background.data<float>().ToArray();
                for (int i = 0; i < 3; i++)
                {
                    int index = int.Parse(batch.Names[i].AsSpan(1, 5), CultureInfo.InvariantCulture);
                    Assert.Equal(1f, b[i * 10 + index % 10]);
                    Assert.Equal(0.75f, c[i * 10 + index % 10], 5);
                    Assert.Equal(0.25f, c[i * 10 + (index + 3) % 10], 5);
                }
            }
        }
    }

    [Fact]
    public void Charmnet_step_has_every_term_and_its_loss_falls()
    {
        TorchRuntime.EnsureAvailable();
        using var s = new TrainingScratch();
        var rendered = RenderedSet(s);
        manual_seed(3);
        using var task = CharmNetTraining.Create(MethodSettings.Parse([$"rendered={rendered}", "width=4", "classifier-width=8"]), 128, 0, s.Path_("run"), batchSize: 2);
        using var batch = RealBatch();
        var optimizer = OptimizerRegistry.CreateDefault().Create(OptimizerRegistry.Adam, task.TrainableParameters(), new OptimizerSettings(2e-3, 0));
        task.SetMode(true);
        var recs = new List<double>();
        for (int step = 0; step < 80; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var result = task.Forward(batch);
            if (step == 0)
            {
                Assert.Equal(new[] { "adv_d", "adv_g", "rec_real", "rec_rendered", "style_rd_after", "style_rd_before", "style_real_ce", "style_real_le" }, result.Terms.Keys.Order());
                double sum = 10 * (result.Terms["rec_real"].item<float>() + result.Terms["rec_rendered"].item<float>()) + result.Terms["adv_g"].item<float>()
                    + result.Terms["style_rd_before"].item<float>() + result.Terms["style_rd_after"].item<float>()
                    + 0.5 * (result.Terms["style_real_ce"].item<float>() + result.Terms["style_real_le"].item<float>());
                Assert.Equal(sum, result.Loss.item<float>(), 3);
            }
            result.Loss.backward();
            optimizer.step();
            recs.Add(result.Terms["rec_real"].item<float>());
        }
        output.WriteLine($"real fnMSE: first {recs[0]:F4}, last {recs[^1]:F4}");
        Assert.True(recs.TakeLast(5).Average() < 0.5 * recs.Take(5).Average(), $"real fnMSE {recs.Take(5).Average():F4} → {recs.TakeLast(5).Average():F4}");
        // The discriminator's state is written for resume.
        task.SaveDiscriminator();
        Assert.True(File.Exists(Path.Combine(s.Path_("run"), "charmnet-discriminator.safetensors")));

        // Validation (no gradient) runs the real path only and leaves the rendered stream alone.
        task.SetMode(false);
        using var noGrad = no_grad();
        Assert.Equal(["rec_real"], task.Forward(batch).Terms.Keys);
    }
}
