using System.Diagnostics;
using System.Globalization;
using Harmonia.Models.Losses;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.S2CRNet;

/// <summary>Settings of <see cref="CachedCurveHeadTrainer"/>.</summary>
/// <param name="OutputDirectory">Receives generator.safetensors (last), best.safetensors (lowest validation fMSE), log.csv.</param>
/// <param name="Epochs">Passes over the training cache.</param>
/// <param name="BatchSize">Samples per step.</param>
/// <param name="LearningRate">AdamW peak rate (cosine decay to 0 over the run, linear warm-up of one epoch's 5 %).</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
/// <param name="Seed">Order of the samples.</param>
/// <param name="FeatureDropout">Dropout on the cached features during training (0 = none): with one cached view per sample, the heads otherwise memorize photos.</param>
/// <param name="Steps">When set, train exactly this many steps (epochs follow from the cache size; the last epoch may be partial) — for comparisons at equal steps.</param>
/// <param name="HarmWeight">Weight of Harmonia's do-no-harm term (<see cref="DoNoHarm"/>; 0 = off): per sample, how much the last
/// stage's relative L1 exceeds the composite's, in the unit of the main term.</param>
public sealed record CachedHeadOptions(string OutputDirectory, int Epochs = 30, int BatchSize = 64, double LearningRate = 1e-3,
    double WeightDecay = 1e-4, int Seed = 0, long? Steps = null, double FeatureDropout = 0, double HarmWeight = 0);

/// <summary>One row of the training log: epoch, mean training loss, validation fMSE of the model and of the composite.</summary>
public sealed record CachedHeadEpoch(int Epoch, int Steps, double TrainLoss, double ValidationFmse, double CompositeFmse, double Seconds);

/// <summary>
/// Trains S²CRNet's curve heads on a <see cref="CurveFeatureCache"/> (the encoder is frozen and never runs): each step
/// maps the cached fg/bg features to the cascade's curves and renders them on the cached foreground pixels; the loss
/// is the official relative L1 (Σ over channels of the mean absolute error under the mask) summed over the stages, plus,
/// when <see cref="CachedHeadOptions.HarmWeight"/> is set, the do-no-harm term on the last stage.
/// Validation estimates fMSE (0–255 scale, mean over the sampled foreground pixels and channels, averaged over
/// images) on the validation cache each epoch. Thousands of samples per second on this CPU, so many epochs fit.
/// </summary>
public static class CachedCurveHeadTrainer
{
    /// <summary>Runs the training; writes the weights files and log.csv into the output folder; returns the epoch rows.</summary>
    public static IReadOnlyList<CachedHeadEpoch> Train(S2CRNetModel model, CurveFeatureCache train, CurveFeatureCache validation,
        CachedHeadOptions options, Action<CachedHeadEpoch>? report = null)
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var parameters = model.HeadParameters().ToList();
        using var optimizer = new ScalarSafeAdamW(parameters, options.LearningRate, weightDecay: options.WeightDecay);
        int stepsPerEpoch = Math.Max(1, train.Count / options.BatchSize);
        long totalSteps = options.Steps ?? (long)stepsPerEpoch * options.Epochs, step = 0;
        int epochs = (int)((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        long warmup = Math.Max(1, stepsPerEpoch / 20);
        var rng = new Random(options.Seed);
        var rows = new List<CachedHeadEpoch>();
        double best = double.PositiveInfinity;
        var log = new List<string> { "epoch,steps,train_loss,val_fmse,composite_fmse,seconds" };
        var watch = Stopwatch.StartNew();
        var metadata = S2CRNetWeights.Metadata(model.Config);
        for (int epoch = 1; epoch <= epochs; epoch++)
        {
            var order = Enumerable.Range(0, train.Count).OrderBy(_ => rng.Next()).ToArray();
            double lossSum = 0;
            model.train();
            int stepsThisEpoch = (int)Math.Min(stepsPerEpoch, totalSteps - step);
            for (int b = 0; b < stepsThisEpoch; b++)
            {
                double lr = step < warmup
                    ? options.LearningRate * (step + 1) / warmup
                    : options.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * (step - warmup) / Math.Max(1, totalSteps - warmup)));
                foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
                using var scope = NewDisposeScope();
                using var index = torch.tensor(order.AsSpan(b * options.BatchSize, options.BatchSize).ToArray().Select(i => (long)i).ToArray());
                var loss = Loss(model, train, index, out _, options.FeatureDropout, options.HarmWeight);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                step++;
            }
            var (val, composite) = Validate(model, validation);
            var row = new CachedHeadEpoch(epoch, (int)step, lossSum / stepsThisEpoch, val, composite, watch.Elapsed.TotalSeconds);
            rows.Add(row);
            log.Add(string.Join(",", new object[] { row.Epoch, row.Steps, row.TrainLoss, row.ValidationFmse, row.CompositeFmse, row.Seconds }
                .Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
            File.WriteAllLines(Path.Combine(options.OutputDirectory, "log.csv"), log);
            Save(model, Path.Combine(options.OutputDirectory, "generator.safetensors"), metadata, row);
            if (val < best)
            {
                best = val;
                Save(model, Path.Combine(options.OutputDirectory, "best.safetensors"), metadata, row);
            }
            report?.Invoke(row);
        }
        return rows;
    }

    static void Save(S2CRNetModel model, string path, IReadOnlyDictionary<string, string> metadata, CachedHeadEpoch row)
    {
        var meta = new Dictionary<string, string>(metadata)
        {
            ["training"] = "cached-features (frozen encoder)",
            ["epoch"] = row.Epoch.ToString(CultureInfo.InvariantCulture),
            ["steps"] = row.Steps.ToString(CultureInfo.InvariantCulture),
            ["val_fmse_sampled"] = row.ValidationFmse.ToString("F1", CultureInfo.InvariantCulture),
        };
        var tmp = path + ".tmp";
        SafeTensors.Write(tmp, S2CRNetWeights.Tensors(model, includeEncoder: model.Config.Backbone != S2CRNetBackbone.ResNet18), meta);
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// Relative L1 summed over stages for the samples at <paramref name="index"/>, plus <paramref name="harmWeight"/> times
    /// the do-no-harm term on the last stage; also returns the last stage's output (B, 3, K, 1).
    /// </summary>
    internal static Tensor Loss(S2CRNetModel model, CurveFeatureCache cache, Tensor index, out Tensor last, double dropout = 0, double harmWeight = 0)
    {
        using var scope = NewDisposeScope();
        var features = cache.Features.index_select(0, index);
        if (dropout > 0) features = nn.functional.dropout(features, dropout, training: true);
        var labels = model.Config.Semantic ? S2CRNetInputs.OneHot(cache.Labels.index_select(0, index)) : null;
        var p = model.CurveParameters(features.select(1, 0), features.select(1, 1), labels);
        var composite = Pixels(cache.Composite, index);
        var target = Pixels(cache.Real, index);
        var x = composite;
        Tensor? total = null, lastError = null;
        for (int s = 0; s < model.Config.Stages; s++)
        {
            x = CurveRendering.Render(x, p.select(1, s));
            lastError = PerSampleRelativeL1(x, target);
            var term = lastError.mean();
            total = total is null ? term : total.Plus(term);
        }
        if (harmWeight > 0)
        {
            var harm = DoNoHarm.Excess(lastError!, PerSampleRelativeL1(composite, target));
            total = total!.Plus(harm.mul(TorchScalars.Of(harmWeight)));
        }
        last = x.MoveToOuterDisposeScope();
        return total!.MoveToOuterDisposeScope();
    }

    /// <summary>(B, 3, K, 1) pixels → (B): Σ over channels of the mean absolute error over the K foreground pixels.</summary>
    static Tensor PerSampleRelativeL1(Tensor x, Tensor target) => (x - target).abs().sum(1).mean([1L, 2L]);

    /// <summary>(N, K, 3) uint8 rows at index → (B, 3, K, 1) float in [0, 1]: an "image" of K pixels for the curve renderer.</summary>
    static Tensor Pixels(Tensor bytes, Tensor index) =>
        bytes.index_select(0, index).to_type(ScalarType.Float32).div(TorchScalars.Of(255)).permute(0, 2, 1).unsqueeze(3);

    /// <summary>Mean over images of the sampled-pixel fMSE (0–255 scale) for the model and for the composite.</summary>
    public static (double Model, double Composite) Validate(S2CRNetModel model, CurveFeatureCache cache)
    {
        model.eval();
        double sumModel = 0, sumComposite = 0;
        using var noGrad = torch.no_grad();
        for (int start = 0; start < cache.Count; start += 256)
        {
            using var scope = NewDisposeScope();
            int m = Math.Min(256, cache.Count - start);
            var index = torch.arange(TorchScalars.OfInteger(start), TorchScalars.OfInteger(start + m), dtype: ScalarType.Int64);
            Loss(model, cache, index, out var output);
            var target = Pixels(cache.Real, index);
            var composite = Pixels(cache.Composite, index);
            sumModel += (output - target).Squared().mean([1L, 2L, 3L]).sum().item<float>() * 255.0 * 255.0;
            sumComposite += (composite - target).Squared().mean([1L, 2L, 3L]).sum().item<float>() * 255.0 * 255.0;
        }
        return (sumModel / cache.Count, sumComposite / cache.Count);
    }
}
