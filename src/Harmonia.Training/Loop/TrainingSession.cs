using System.Diagnostics;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Loop;

/// <summary>
/// The mutable state of one <see cref="Trainer.Run"/>: position (step, epoch, batch), best validation fMSE, the
/// optimizers it owns, the logs and the loss-term window. Wall time counts resumed runs' time too.
/// </summary>
internal sealed class TrainingSession : IDisposable
{
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly double elapsedBefore;

    public TrainingSession(TrainingState state, List<Parameter> parameters, OptimizerHelper generatorOptimizer,
        OptimizerHelper? discriminatorOptimizer, string checkpointPath, RunLogs logs, int? batchesPerEpoch, long? totalSteps)
    {
        Step = StartStep = state.Step;
        Epoch = state.Epoch;
        BatchInEpoch = state.BatchInEpoch;
        Best = state.BestForegroundMse;
        Seed = state.Seed;
        elapsedBefore = state.ElapsedSeconds;
        Parameters = parameters;
        GeneratorOptimizer = generatorOptimizer;
        DiscriminatorOptimizer = discriminatorOptimizer;
        CheckpointPath = checkpointPath;
        Logs = logs;
        BatchesPerEpoch = batchesPerEpoch;
        TotalSteps = totalSteps;
        Done = totalSteps is { } total && Step >= total;
        Window = new LossTermWindow(Elapsed);
    }

    /// <summary>The generator's trainable parameters.</summary>
    public List<Parameter> Parameters { get; }
    public OptimizerHelper GeneratorOptimizer { get; }
    public OptimizerHelper? DiscriminatorOptimizer { get; }
    public string CheckpointPath { get; }
    public RunLogs Logs { get; }
    public LossTermWindow Window { get; }
    public int? BatchesPerEpoch { get; }
    public long? TotalSteps { get; }

    /// <summary>The run's seed (from the checkpoint when resuming).</summary>
    public int Seed { get; }
    /// <summary>The step this process started at (0, or the checkpoint's step).</summary>
    public long StartStep { get; }

    public long Step { get; set; }
    public int Epoch { get; set; }
    public int BatchInEpoch { get; set; }
    public double Best { get; set; }
    public ValidationSummary? LastValidation { get; set; }
    /// <summary>Batches skipped for a transient TorchSharp scalar error (bounded by <see cref="Models.Runtime.TransientNativeError.MaxSkips"/>).</summary>
    public int SkippedSteps { get; set; }
    public bool WarnedOptimizer { get; set; }

    /// <summary>All planned steps are done.</summary>
    public bool Done { get; set; }
    /// <summary>Cancelled before the end (a checkpoint is written).</summary>
    public bool Stopped { get; set; }
    public bool Finished => Done || Stopped;

    /// <summary>Wall seconds of the whole run, resumed parts included.</summary>
    public double Elapsed => elapsedBefore + clock.Elapsed.TotalSeconds;
    /// <summary>Wall seconds of this process's part.</summary>
    public double ClockSeconds => clock.Elapsed.TotalSeconds;

    /// <summary>What a checkpoint stores.</summary>
    public TrainingState State => new(Step, Epoch, BatchInEpoch, Best, Elapsed, Seed);

    public void Dispose()
    {
        GeneratorOptimizer.Dispose();
        DiscriminatorOptimizer?.Dispose();
    }
}
