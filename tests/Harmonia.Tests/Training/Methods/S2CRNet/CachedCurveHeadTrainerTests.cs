using Harmonia.Core.Datasets;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Training.Methods.S2CRNet;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Methods.S2CRNet;

public sealed class CachedCurveHeadTrainerTests
{
    [Fact]
    public void Heads_trained_on_cached_features_lower_the_loss_and_the_foreground_error()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(3);
        using var scratch = TrainingScratch.WithLayout(24, 48, 40);
        var samples = IHarmony4Layout.Read(scratch.Data, null);
        // No encoder (colour statistics only) keeps the test fast; the cache and the heads are the same code as for ResNet-18.
        var model = new S2CRNetModel(new S2CRNetConfig(InputSize: 32, Backbone: S2CRNetBackbone.None, Hidden: 32));
        var labels = new Dictionary<string, SemanticClass>();
        var cache = CurveFeatureCache.Build(model, samples, labels, scratch.Path_("cache"), pixels: 256, seed: 1);
        Assert.Equal(samples.Count, cache.Count);
        Assert.Equal([samples.Count, 2, ColorStatistics.Width], cache.Features.shape);
        // A second build reads the chunks back: same features.
        var again = CurveFeatureCache.Build(model, samples, labels, scratch.Path_("cache"), pixels: 256, seed: 1);
        Assert.True(cache.Features.eq(again.Features).all().item<bool>());

        var (before, composite) = CachedCurveHeadTrainer.Validate(model, cache);
        var rows = CachedCurveHeadTrainer.Train(model, cache, cache, new CachedHeadOptions(scratch.Path_("out"), Epochs: 150, BatchSize: 8, LearningRate: 1e-2, WeightDecay: 0));
        Assert.True(rows[^1].TrainLoss < 0.8 * rows[0].TrainLoss, $"training loss {rows[0].TrainLoss:F4} -> {rows[^1].TrainLoss:F4}");
        // Softplus heads start at the identity, so the untrained model scores like the composite; training must beat it.
        Assert.InRange(before, 0.9 * composite, 1.1 * composite);
        // The layout's blue channel is 255 on every foreground and its target a per-image constant the composite does not
        // show, so most of the error is irreducible; the red/green gain is learnable (measured: 8 % lower).
        Assert.True(rows.Min(r => r.ValidationFmse) < 0.95 * composite, $"fMSE {rows.Min(r => r.ValidationFmse):F1} vs composite {composite:F1}");
        Assert.True(File.Exists(Path.Combine(scratch.Path_("out"), "best.safetensors")));
        var reloaded = S2CRNetWeights.Load(Path.Combine(scratch.Path_("out"), "best.safetensors"));
        Assert.Equal(S2CRNetBackbone.None, reloaded.Config.Backbone);
        Assert.Equal(32, reloaded.Config.Hidden);
    }

    [Fact]
    public void The_do_no_harm_term_adds_the_weighted_excess_of_the_outputs_error_over_the_composites()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(5);
        using var scratch = TrainingScratch.WithLayout(12, 32, 32);
        var samples = IHarmony4Layout.Read(scratch.Data, null);
        var model = new S2CRNetModel(new S2CRNetConfig(InputSize: 32, Backbone: S2CRNetBackbone.None, Hidden: 8));
        var cache = CurveFeatureCache.Build(model, samples, new Dictionary<string, SemanticClass>(), scratch.Path_("cache"), pixels: 64, seed: 1);
        using var index = arange(cache.Count, dtype: ScalarType.Int64);
        model.eval();
        using var noGrad = no_grad();
        // Untrained heads are close to the identity: the output is nearly the composite, so there is almost no excess to add.
        float identity = CachedCurveHeadTrainer.Loss(model, cache, index, out _).item<float>();
        Assert.InRange(CachedCurveHeadTrainer.Loss(model, cache, index, out _, harmWeight: 5).item<float>() - identity, 0, 2e-3);

        foreach (var parameter in model.HeadParameters()) parameter.add_(randn_like(parameter).mul(0.5));
        float plain = CachedCurveHeadTrainer.Loss(model, cache, index, out var output).item<float>();
        float weighted = CachedCurveHeadTrainer.Loss(model, cache, index, out _, harmWeight: 3).item<float>();
        // By hand: per sample, Σ over channels of the mean |x − real| over the K pixels, for the output and the composite.
        var outputs = output.contiguous().data<float>().ToArray(); // (N, 3, K, 1)
        var composites = cache.Composite.contiguous().data<byte>().ToArray(); // (N, K, 3)
        var reals = cache.Real.contiguous().data<byte>().ToArray();
        int n = cache.Count, k = (int)cache.Composite.shape[1];
        double excess = 0;
        int worse = 0;
        for (int i = 0; i < n; i++)
        {
            double outputError = 0, compositeError = 0;
            for (int c = 0; c < 3; c++)
                for (int j = 0; j < k; j++)
                {
                    double real = reals[(i * k + j) * 3 + c] / 255.0;
                    outputError += Math.Abs(outputs[(i * 3 + c) * k + j] - real) / k;
                    compositeError += Math.Abs(composites[(i * k + j) * 3 + c] / 255.0 - real) / k;
                }
            if (outputError > compositeError) worse++;
            excess += Math.Max(0, outputError - compositeError) / n;
        }
        Assert.InRange(worse, 1, n); // the random heads make some samples worse, so the term is not trivially zero
        Assert.Equal(plain + 3 * excess, weighted, 4);
    }

    [Fact]
    public void Joined_caches_keep_every_sample_in_order()
    {
        TorchRuntime.EnsureAvailable();
        using var scratch = TrainingScratch.WithLayout(6, 32, 32);
        var samples = IHarmony4Layout.Read(scratch.Data, null);
        var model = new S2CRNetModel(new S2CRNetConfig(InputSize: 32, Backbone: S2CRNetBackbone.None, Hidden: 8));
        var labels = new Dictionary<string, SemanticClass>();
        var first = CurveFeatureCache.Build(model, samples.Take(4).ToList(), labels, scratch.Path_("a"), pixels: 64, seed: 1);
        var second = CurveFeatureCache.Build(model, samples.Skip(4).ToList(), labels, scratch.Path_("b"), pixels: 64, seed: 1);
        var joined = CurveFeatureCache.Concat([first, second, second]);
        Assert.Equal(first.Count + 2 * second.Count, joined.Count);
        Assert.Equal(first.Names.Concat(second.Names).Concat(second.Names), joined.Names);
        Assert.True(joined.Features.narrow(0, 0, first.Count).eq(first.Features).all().item<bool>());
        Assert.True(joined.Real.narrow(0, first.Count + second.Count, second.Count).eq(second.Real).all().item<bool>());
        var otherPixels = CurveFeatureCache.Build(model, samples.Take(1).ToList(), labels, scratch.Path_("c"), pixels: 32, seed: 1);
        Assert.Throws<Harmonia.Core.Errors.HarmoniaException>(() => CurveFeatureCache.Concat([first, otherPixels]));
    }
}
