using Harmonia.Core.Metrics;
using Harmonia.Core.Randomness;
using Harmonia.Models.Runtime;
using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Registry;
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
    readonly NamedRegistry<OptimizerDescriptor> optimizers;

    /// <summary>The discriminator when adversarial training is on (created by <see cref="Run"/>).</summary>
    public PatchDiscriminator? Discriminator { get; private set; }

    /// <summary>Creates a trainer; nothing runs until <see cref="Run"/>.</summary>
    public Trainer(ITrainingTask task, IBatchSource train, IBatchSource? validation, TrainerOptions options,
        ITrainingProgress? progress = null, NamedRegistry<OptimizerDescriptor>? optimizers = null)
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

    string Out(string name) => Path.Combine(options.OutputDirectory, name);

    /// <summary>Trains until the epochs or steps are done or <paramref name="cancel"/> fires (then checkpoints and returns).</summary>
    public TrainingResult Run(CancellationToken cancel = default)
    {
        torch.set_num_threads(options.Threads);
        using var run = Open();
        task.SetMode(true);
        Discriminator?.train();
        while (!run.Finished && run.Epoch < options.Epochs)
        {
            if (run.BatchesPerEpoch is { } bpe && run.BatchInEpoch >= bpe) { run.Epoch++; run.BatchInEpoch = 0; continue; }
            task.OnEpochStart(run.Epoch);
            foreach (var batch in train.Epoch(run.Epoch, run.BatchInEpoch))
            {
                double lr = LearningRate(run.Step, run.TotalSteps);
                using (batch) run.Window.Add(TrainOn(batch, run, lr), batch.Size);
                AfterStep(run, lr, cancel);
                if (run.Finished) break;
            }
            if (run.Finished) break;
            // Epoch end: validate (when not done per N steps), checkpoint at the start of the next epoch, redraw.
            if (options.ValidateEvery == 0) Validate(run);
            run.Epoch++;
            run.BatchInEpoch = 0;
            SaveCheckpoint(run);
            Plot(run);
        }
        return Finish(run);
    }

    /// <summary>Checks the output folder, builds optimizers (and the discriminator), and restores a checkpoint when resuming.</summary>
    TrainingSession Open()
    {
        Directory.CreateDirectory(options.OutputDirectory);
        BatchNormWarmUp.EnsureFor(task.Generator);
        var checkpointPath = Out(Checkpoint.LastFileName);
        bool resuming = options.Resume && File.Exists(checkpointPath);
        if (!options.Resume && !options.Overwrite && File.Exists(checkpointPath))
            throw new UsageException($"'{options.OutputDirectory}' already holds a training run; pass --resume to continue it, --overwrite to start over, or choose another output folder.");
        if (options.Resume && !resuming) progress.Message($"No checkpoint in '{options.OutputDirectory}': starting from scratch.");

        torch.manual_seed(options.Seed);
        var parameters = task.TrainableParameters().ToList();
        if (parameters.Count == 0) throw new HarmoniaException($"Method '{task.Name}' has no trainable parameters.");
        var generatorOptimizer = optimizers.Create(options.Optimizer, parameters, options.OptimizerSettings);
        Discriminator = options.Adversarial is null ? null : new PatchDiscriminator(3, options.Adversarial.BaseChannels);
        var discriminatorOptimizer = Discriminator is null ? null
            : new Optimizers.ScalarSafeRMSProp(Discriminator.parameters(), options.Adversarial!.LearningRate);
        try
        {
            var state = resuming
                ? Checkpoint.Load(checkpointPath, task.Name, task.Generator, generatorOptimizer, Discriminator, discriminatorOptimizer)
                : TrainingState.Start(options.Seed);
            if (resuming) progress.Message($"Resuming '{task.Name}' at step {state.Step} (epoch {state.Epoch + 1}, batch {state.BatchInEpoch}).");
            int? batchesPerEpoch = train.BatchesPerEpoch;
            return new TrainingSession(state, parameters, generatorOptimizer, discriminatorOptimizer, checkpointPath,
                RunLogs.Open(options.OutputDirectory, resuming ? state.Step : null), batchesPerEpoch, PlannedSteps(batchesPerEpoch));
        }
        catch
        {
            generatorOptimizer.Dispose();
            discriminatorOptimizer?.Dispose();
            throw;
        }
    }

    /// <summary>One optimizer step on <paramref name="batch"/>; a transient TorchSharp scalar error skips the batch (bounded).</summary>
    IEnumerable<(string Name, double Value)> TrainOn(HarmonizationBatch batch, TrainingSession run, double lr)
    {
        try
        {
            return Step(batch, run.Step, run.Seed, lr, run.GeneratorOptimizer, run.DiscriminatorOptimizer, run.Parameters);
        }
        catch (System.Runtime.InteropServices.ExternalException e) when (TransientNativeError.Matches(e) && ++run.SkippedSteps <= TransientNativeError.MaxSkips)
        {
            // TorchSharp 0.107 can finalize an implicitly converted Scalar while the native call that
            // uses it runs; libtorch then rejects the scalar. This batch's update is lost (or partial if
            // it struck inside the optimizer step); we go on. Bounded: a persistent error still stops the run.
            progress.Message($"warning: skipped batch at step {run.Step}: transient TorchSharp scalar error ({run.SkippedSteps}/{TransientNativeError.MaxSkips}) {TransientNativeError.Origin(e)}.");
            return [];
        }
    }

    /// <summary>Counts the step, then logs, reports, validates, plots and checkpoints as the options ask.</summary>
    void AfterStep(TrainingSession run, double lr, CancellationToken cancel)
    {
        run.Step++;
        run.BatchInEpoch++;
        if (run.TotalSteps is { } total && run.Step >= total) run.Done = true;
        run.Stopped = !run.Done && cancel.IsCancellationRequested;

        bool logRow = run.Step % options.LogEvery == 0 || run.Finished;
        double now = run.Elapsed;
        var averages = run.Window.Averages();
        double samplesPerSecond = run.Window.SamplesPerSecond(now);
        if (logRow)
        {
            var row = new List<(string, double)> { ("step", run.Step), ("epoch", run.Epoch) };
            row.AddRange(run.Window.TermOrder.Select(n => (n, averages.GetValueOrDefault(n, double.NaN))));
            row.Add(("lr", lr));
            row.Add(("samples_per_s", samplesPerSecond));
            row.Add(("wall_s", now));
            run.Logs.Steps.Append(row);
        }
        TimeSpan? eta = run.TotalSteps is { } ts && run.Step > run.StartStep
            ? TimeSpan.FromSeconds(run.ClockSeconds / (run.Step - run.StartStep) * (ts - run.Step)) : null;
        progress.Report(new TrainingStatus(run.Step, run.TotalSteps, run.Epoch, options.Epochs, averages, lr, samplesPerSecond, TimeSpan.FromSeconds(now), eta, logRow));
        if (logRow) run.Window.Reset(now);

        if (options.ValidateEvery > 0 && run.Step % options.ValidateEvery == 0) Validate(run);
        if (run.Step % options.PlotEvery == 0) Plot(run);
        if (run.Step % options.CheckpointEvery == 0 || run.Finished) SaveCheckpoint(run);
    }

    /// <summary>A last validation when done, the shipped weights (<c>generator.safetensors</c>) and the final plots.</summary>
    TrainingResult Finish(TrainingSession run)
    {
        if (run.Done && (run.LastValidation is null || run.LastValidation.Step != run.Step)) Validate(run);
        if (run.Stopped) progress.Message($"Stopped at step {run.Step}; resume with --resume.");
        var weights = Out("generator.safetensors");
        StateDictIO.Save(task.Generator, weights, WeightsMetadata(run.Step, run.LastValidation));
        Plot(run);
        var bestPath = File.Exists(Out("best.safetensors")) ? Out("best.safetensors") : null;
        return new TrainingResult(run.Step, run.Epoch, run.Stopped, weights, bestPath, run.LastValidation);
    }

    void SaveCheckpoint(TrainingSession run) =>
        Checkpoint.Save(run.CheckpointPath, task.Name, run.State, task.Generator, run.GeneratorOptimizer, Discriminator, run.DiscriminatorOptimizer,
            warning => { if (!run.WarnedOptimizer) progress.Message("warning: " + warning); run.WarnedOptimizer = true; });

    void Plot(TrainingSession run) => run.Logs.Plot(run.Window.TermOrder, progress.Message);

    /// <summary>Validates (when a validation source exists), keeps <c>best.safetensors</c> and appends to val.csv.</summary>
    void Validate(TrainingSession run)
    {
        if (validation is null) return;
        var result = RunValidation(run.Step, run.Epoch, run.Best);
        if (result.IsBest)
        {
            run.Best = result.ForegroundMse;
            StateDictIO.Save(task.Generator, Out("best.safetensors"), WeightsMetadata(run.Step, result));
        }
        run.Logs.Validation.Append([("step", run.Step), ("epoch", run.Epoch), ("mse", result.Mse), ("fmse", result.ForegroundMse), ("psnr", result.Psnr), ("samples", result.Samples), ("wall_s", run.Elapsed)]);
        run.LastValidation = result;
        progress.Validated(result);
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
        var means = ScoreMeans.Of(scores);
        return new ValidationSummary(step, epoch, means.Mse, means.Fmse, means.Psnr, scores.Count, means.Fmse < best);
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
