using Harmonia.Models.Runtime;
using System.Diagnostics;
using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using Harmonia.Training.Adversarial;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using Harmonia.Training.Optimization;
using Harmonia.Training.Reporting;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Loop;

/// <summary>How a run ended and where its outputs are.</summary>
/// <param name="Steps">Total optimizer steps done (including resumed ones).</param>
/// <param name="Epoch">Epoch the run stopped in (or the number of epochs when complete).</param>
/// <param name="Stopped">True when stopped early by cancellation (a checkpoint was written).</param>
/// <param name="WeightsPath">The last generator weights (<c>generator.safetensors</c>).</param>
/// <param name="BestWeightsPath">The best generator weights by validation fMSE (<c>best.safetensors</c>), when validated.</param>
/// <param name="LastValidation">The last validation, if any.</param>
public sealed record TrainingResult(long Steps, int Epoch, bool Stopped, string WeightsPath, string? BestWeightsPath, ValidationSummary? LastValidation);

/// <summary>
/// The generic training loop. Knows no method: it takes an <see cref="ITrainingTask"/> (generator + its losses),
/// batch sources and <see cref="TrainerOptions"/>, and owns optimizers, the optional LSGAN step, checkpoints
/// (<c>checkpoint-last.safetensors</c>, resume), <c>log.csv</c>, <c>val.csv</c>, <c>loss.png</c>, and the shipped
/// weights (<c>generator.safetensors</c>, <c>best.safetensors</c>: the generator's state dict by PyTorch names).
/// <para>One step: seed torch from (seed, step); generator forward → task loss; with adversarial training, one
/// discriminator RMSprop step on LSGAN(D(real) → 1, D(prediction.detach()) → 0), then the generator loss gets
/// + weight · LSGAN(D(prediction) → 1); backward, optional gradient clipping, optimizer step. Each step runs in its
/// own dispose scope so memory stays flat. Validation runs the generator in eval mode without gradients.</para>
/// </summary>
public sealed class Trainer
{
    readonly ITrainingTask task;
    readonly IBatchSource train;
    readonly IBatchSource? validation;
    readonly TrainerOptions options;
    readonly ITrainingProgress progress;
    readonly OptimizerRegistry optimizers;

    /// <summary>The discriminator when adversarial training is on (created by <see cref="Run"/>).</summary>
    public PatchDiscriminator? Discriminator { get; private set; }

    /// <summary>Creates a trainer; nothing runs until <see cref="Run"/>.</summary>
    public Trainer(ITrainingTask task, IBatchSource train, IBatchSource? validation, TrainerOptions options,
        ITrainingProgress? progress = null, OptimizerRegistry? optimizers = null)
    {
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        this.task = task;
        this.train = train;
        this.validation = validation;
        this.options = options;
        this.progress = progress ?? new LineProgress(Console.Out);
        this.optimizers = optimizers ?? OptimizerRegistry.CreateDefault();
    }

    static readonly HashSet<string> AdversarialTerms = ["adv_g", "adv_d"];

    string Out(string name) => Path.Combine(options.OutputDirectory, name);

    /// <summary>Trains until the epochs or steps are done or <paramref name="cancel"/> fires (then checkpoints and returns).</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        torch.set_num_threads(options.Threads);
        Directory.CreateDirectory(options.OutputDirectory);
        var generator = task.Generator;
        BatchNormWarmUp.EnsureFor(generator);
        var checkpointPath = Out(Checkpoint.LastFileName);
        bool resuming = options.Resume && File.Exists(checkpointPath);
        if (!options.Resume && !options.Overwrite && File.Exists(checkpointPath))
            throw new UsageException($"'{options.OutputDirectory}' already holds a training run; pass --resume to continue it, --overwrite to start over, or choose another output folder.");
        if (options.Resume && !resuming) progress.Message($"No checkpoint in '{options.OutputDirectory}': starting from scratch.");

        torch.manual_seed(options.Seed);
        var parameters = task.TrainableParameters().ToList();
        if (parameters.Count == 0) throw new HarmoniaException($"Method '{task.Name}' has no trainable parameters.");
        using var generatorOptimizer = optimizers.Create(options.Optimizer, parameters, options.OptimizerSettings);
        Discriminator = options.Adversarial is null ? null : new PatchDiscriminator(3, options.Adversarial.BaseChannels);
        using var discriminatorOptimizer = Discriminator is null ? null
            : new Optimizers.ScalarSafeRMSProp(Discriminator.parameters(), options.Adversarial!.LearningRate);

        var state = resuming
            ? Checkpoint.Load(checkpointPath, task.Name, generator, generatorOptimizer, Discriminator, discriminatorOptimizer)
            : TrainingState.Start(options.Seed);
        if (resuming) progress.Message($"Resuming '{task.Name}' at step {state.Step} (epoch {state.Epoch + 1}, batch {state.BatchInEpoch}).");
        int seed = state.Seed;

        var log = CsvLog.Open(Out("log.csv"), resuming ? state.Step : null);
        var valLog = CsvLog.Open(Out("val.csv"), resuming ? state.Step : null);
        int? batchesPerEpoch = train.BatchesPerEpoch;
        long? totalSteps = PlannedSteps(batchesPerEpoch);

        task.SetMode(true);
        Discriminator?.train();
        var clock = Stopwatch.StartNew();
        double elapsedBefore = state.ElapsedSeconds;
        double Elapsed() => elapsedBefore + clock.Elapsed.TotalSeconds;

        long step = state.Step;
        int epoch = state.Epoch, batchInEpoch = state.BatchInEpoch;
        double best = state.BestForegroundMse;
        ValidationSummary? lastValidation = null;
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var termOrder = new List<string>();
        long samplesInWindow = 0;
        double windowStart = Elapsed();
        bool stopped = false, done = totalSteps is { } t0 && step >= t0;

        TrainingState Current() => new(step, epoch, batchInEpoch, best, Elapsed(), seed);
        bool warnedOptimizer = false;
        int skippedSteps = 0;
        void SaveCheckpoint() => Checkpoint.Save(checkpointPath, task.Name, Current(), generator, generatorOptimizer, Discriminator, discriminatorOptimizer,
            warning => { if (!warnedOptimizer) progress.Message("warning: " + warning); warnedOptimizer = true; });

        void Validate()
        {
            if (validation is null) return;
            var result = RunValidation(step, epoch, best);
            if (result.IsBest)
            {
                best = result.ForegroundMse;
                StateDictIO.Save(generator, Out("best.safetensors"), WeightsMetadata(step, result));
            }
            valLog.Append([("step", step), ("epoch", epoch), ("mse", result.Mse), ("fmse", result.ForegroundMse), ("psnr", result.Psnr), ("samples", result.Samples), ("wall_s", Elapsed())]);
            lastValidation = result;
            progress.Validated(result);
        }

        void Plot()
        {
            try
            {
                var terms = (termOrder.Count > 0 ? termOrder : log.Columns.Skip(2).TakeWhile(c => c != "lr")).ToList();
                LossPlot.Write(Out("loss.png"), log, terms.Where(t => !AdversarialTerms.Contains(t)), terms.Where(AdversarialTerms.Contains));
                LossPlot.Write(Out("val.png"), valLog, ["fmse", "mse"], ["psnr"], "validation MSE / fMSE", "validation PSNR (dB)");
            }
            catch (Exception e) when (e is not OperationCanceledException) { progress.Message($"warning: could not draw loss.png ({e.Message.Split('\n')[0]})"); }
        }

        while (!done && !stopped && epoch < options.Epochs)
        {
            if (batchesPerEpoch is { } bpe && batchInEpoch >= bpe) { epoch++; batchInEpoch = 0; continue; }
            task.OnEpochStart(epoch);
            foreach (var batch in train.Epoch(epoch, batchInEpoch))
            {
                double lr = LearningRate(step, totalSteps);
                using (batch)
                {
                    IEnumerable<(string Name, double Value)> terms;
                    try
                    {
                        terms = Step(batch, step, seed, lr, generatorOptimizer, discriminatorOptimizer, parameters);
                    }
                    catch (System.Runtime.InteropServices.ExternalException e) when (TransientNativeError.Matches(e) && ++skippedSteps <= TransientNativeError.MaxSkips)
                    {
                        // TorchSharp 0.107 can finalize an implicitly converted Scalar while the native call that
                        // uses it runs; libtorch then rejects the scalar. This batch's update is lost (or partial if
                        // it struck inside the optimizer step); we go on. Bounded: a persistent error still stops the run.
                        progress.Message($"warning: skipped batch at step {step}: transient TorchSharp scalar error ({skippedSteps}/{TransientNativeError.MaxSkips}) {TransientNativeError.Origin(e)}.");
                        terms = [];
                    }
                    foreach (var (name, value) in terms)
                    {
                        if (!sums.ContainsKey(name)) { sums[name] = 0; counts[name] = 0; if (!termOrder.Contains(name)) termOrder.Add(name); }
                        sums[name] += value;
                        counts[name]++;
                    }
                    samplesInWindow += batch.Size;
                }
                step++;
                batchInEpoch++;
                if (totalSteps is { } total && step >= total) done = true;
                stopped = !done && cancel.IsCancellationRequested;

                bool logRow = step % options.LogEvery == 0 || done || stopped;
                double now = Elapsed();
                var averages = sums.Where(kv => counts[kv.Key] > 0).ToDictionary(kv => kv.Key, kv => kv.Value / counts[kv.Key]);
                double samplesPerSecond = samplesInWindow / Math.Max(1e-9, now - windowStart);
                if (logRow)
                {
                    var row = new List<(string, double)> { ("step", step), ("epoch", epoch) };
                    row.AddRange(termOrder.Select(n => (n, averages.GetValueOrDefault(n, double.NaN))));
                    row.Add(("lr", lr));
                    row.Add(("samples_per_s", samplesPerSecond));
                    row.Add(("wall_s", now));
                    log.Append(row);
                }
                TimeSpan? eta = totalSteps is { } ts && step > state.Step
                    ? TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / (step - state.Step) * (ts - step)) : null;
                progress.Report(new TrainingStatus(step, totalSteps, epoch, options.Epochs, averages, lr, samplesPerSecond, TimeSpan.FromSeconds(now), eta, logRow));
                if (logRow)
                {
                    foreach (var k in sums.Keys.ToList()) { sums[k] = 0; counts[k] = 0; }
                    samplesInWindow = 0;
                    windowStart = now;
                }

                if (options.ValidateEvery > 0 && step % options.ValidateEvery == 0) Validate();
                if (step % options.PlotEvery == 0) Plot();
                if (step % options.CheckpointEvery == 0 || done || stopped) SaveCheckpoint();
                if (done || stopped) break;
            }
            if (done || stopped) break;
            // Epoch end: validate (when not done per N steps), checkpoint at the start of the next epoch, redraw.
            if (options.ValidateEvery == 0) Validate();
            epoch++;
            batchInEpoch = 0;
            SaveCheckpoint();
            Plot();
        }
        if (done && (lastValidation is null || lastValidation.Step != step)) Validate();
        if (stopped) progress.Message($"Stopped at step {step}; resume with --resume.");

        var weights = Out("generator.safetensors");
        StateDictIO.Save(generator, weights, WeightsMetadata(step, lastValidation));
        Plot();
        var bestPath = File.Exists(Out("best.safetensors")) ? Out("best.safetensors") : null;
        return new TrainingResult(step, epoch, stopped, weights, bestPath, lastValidation);
    }

    long? PlannedSteps(int? batchesPerEpoch)
    {
        long? byEpochs = batchesPerEpoch is { } b ? (long)b * options.Epochs : null;
        return (options.MaxSteps, byEpochs) switch
        {
            ({ } m, { } e) => Math.Min(m, e),
            ({ } m, null) => m,
            (null, var e) => e,
        };
    }

    /// <summary>The learning rate at <paramref name="step"/>: warm-up then constant or cosine to 1% of the base rate.</summary>
    internal double LearningRate(long step, long? totalSteps)
    {
        double lr = options.OptimizerSettings.LearningRate;
        if (options.WarmupSteps > 0 && step < options.WarmupSteps) return lr * (step + 1) / options.WarmupSteps;
        if (options.Schedule == LearningRateSchedule.Cosine && totalSteps is { } total && total > options.WarmupSteps)
        {
            double progressRatio = Math.Clamp((step - options.WarmupSteps) / (double)(total - options.WarmupSteps), 0, 1);
            lr *= 0.01 + 0.99 * 0.5 * (1 + Math.Cos(Math.PI * progressRatio));
        }
        return lr;
    }

    List<(string Name, double Value)> Step(HarmonizationBatch batch, long step, int seed, double lr,
        OptimizerHelper generatorOptimizer, OptimizerHelper? discriminatorOptimizer, List<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed((long)(SeededRandom.Mix(seed, step) & 0x7FFFFFFFFFFFL));
        foreach (var group in generatorOptimizer.ParamGroups) group.LearningRate = lr;

        generatorOptimizer.zero_grad();
        var output = task.Forward(batch);
        var total = output.Loss;
        var values = new List<(string, double)>();
        if (Discriminator is not null && discriminatorOptimizer is not null && options.Adversarial is { } adv && step % adv.Every == 0)
        {
            Tensor DInput(Tensor x) => adv.InputSize is { } s && (x.shape[2] != s || x.shape[3] != s)
                ? nn.functional.adaptive_avg_pool2d(x, [s, s])
                : x;
            var real = DInput(batch.Real);
            var fake = DInput(output.Prediction);
            discriminatorOptimizer.zero_grad();
            var dLoss = LsganLoss.Discriminator(Discriminator.forward(real), Discriminator.forward(fake.detach()));
            dLoss.backward();
            discriminatorOptimizer.step();
            var gAdv = LsganLoss.Generator(Discriminator.forward(fake));
            total = total.add(gAdv, alpha: TorchScalars.Of(options.Adversarial!.Weight));
            values.Add(("adv_g", gAdv.item<float>()));
            values.Add(("adv_d", dLoss.item<float>()));
        }
        total.backward();
        values.Add(("nonfinite_grads", NonFiniteGradients.Zero(parameters)));
        if (options.GradientClip is { } clip) torch.nn.utils.clip_grad_norm_(parameters, clip);
        generatorOptimizer.step();

        double totalValue = total.item<float>();
        if (!double.IsFinite(totalValue))
            throw new HarmoniaException($"The loss became {totalValue} at step {step + 1}; lower the learning rate or resume from the last checkpoint.");
        var result = new List<(string, double)> { ("loss", totalValue) };
        foreach (var (name, term) in output.Terms) result.Add((name, term.detach().item<float>()));
        result.AddRange(values);
        return result;
    }

    ValidationSummary RunValidation(long step, int epoch, double best)
    {
        task.SetMode(false);
        var scores = new List<ImageScores>();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (var batch in validation!.Epoch(0))
            {
                using var scope = torch.NewDisposeScope();
                using (batch)
                {
                    var output = task.Forward(batch);
                    scores.AddRange(HarmonizationMetrics.Compute(output.Prediction, batch.Real, batch.Mask));
                }
            }
        }
        finally
        {
            task.SetMode(true);
        }
        if (scores.Count == 0) throw new HarmoniaException("The validation set is empty.");
        double fmse = scores.Average(s => s.ForegroundMse);
        return new ValidationSummary(step, epoch, scores.Average(s => s.Mse), fmse, scores.Average(s => s.Psnr), scores.Count, fmse < best);
    }

    Dictionary<string, string> WeightsMetadata(long step, ValidationSummary? validationResult)
    {
        var meta = new Dictionary<string, string>(task.WeightsMetadata)
        {
            ["method"] = task.Name,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        if (validationResult is not null)
        {
            meta["val_fmse"] = validationResult.ForegroundMse.ToString("0.###", CultureInfo.InvariantCulture);
            meta["val_psnr"] = validationResult.Psnr.ToString("0.###", CultureInfo.InvariantCulture);
        }
        return meta;
    }
}
