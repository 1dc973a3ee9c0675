using Harmonia.Training.Optimization;

namespace Harmonia.Training.Loop;

/// <summary>Optional adversarial training (LSGAN with a <see cref="Adversarial.PatchDiscriminator"/>, trained with RMSprop).</summary>
/// <param name="Weight">Weight of the generator's LSGAN term. Default 0.01 as in S²CRNet's official code (the paper says 1).</param>
/// <param name="LearningRate">
/// Discriminator RMSprop learning rate. Default 1e-5: RMSprop's first steps move every weight by about 10·lr, and at
/// 2e-4 the BatchNorm patch discriminator's loss jumped from 0.66 to 26.8 at step 2 on harmonia-synth-v1 (64 channels)
/// and a 32-channel one reached NaN at step 2; the 32-channel one at 1e-5 stayed within 0.45-0.9 over 4 steps.
/// Only these short runs back the default: watch adv_d in log.csv.
/// </param>
/// <param name="BaseChannels">Channels of the discriminator's first block (64 as in S²CRNet; smaller is cheaper: cost ∝ channels²).</param>
/// <param name="Every">Run the discriminator step and the generator's adversarial term every N steps (1 = every step).</param>
/// <param name="InputSize">Area-downsample real and predicted images to this square size before the discriminator (null = as is; cost ∝ size²).</param>
/// <remarks>
/// Cost: at 256² the default discriminator is ≈5 GFLOP per image per forward, and a step runs three forwards and two
/// backwards over the batch, far more than a small curve-based generator; on a 2-core CPU use BaseChannels 32,
/// InputSize 128 or Every &gt; 1 to keep adversarial training affordable.
/// </remarks>
public sealed record AdversarialOptions(double Weight = 0.01, double LearningRate = 1e-5, int BaseChannels = 64, int Every = 1, int? InputSize = null);

/// <summary>Learning-rate schedule.</summary>
public enum LearningRateSchedule
{
    /// <summary>Constant learning rate (S²CRNet).</summary>
    Constant,
    /// <summary>Cosine decay from the base rate to 1% of it over the planned steps.</summary>
    Cosine,
}

/// <summary>Immutable settings of one training run. Defaults follow S²CRNet: 20 epochs, AdamW lr 2e-4 wd 1e-2, LSGAN weight 0.01.</summary>
public sealed record TrainerOptions
{
    /// <summary>Folder for checkpoints, logs, plots and weights (created when missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Epochs to train (ignored beyond <see cref="MaxSteps"/>).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Stop after this many optimizer steps in total (null = run every epoch).</summary>
    public long? MaxSteps { get; init; }

    /// <summary>Generator optimizer name in the <see cref="OptimizerRegistry"/> (adamw, adam, sgd, rmsprop, lion when registered).</summary>
    public string Optimizer { get; init; } = OptimizerRegistry.AdamW;

    /// <summary>Generator optimizer hyper-parameters.</summary>
    public OptimizerSettings OptimizerSettings { get; init; } = new();

    /// <summary>Learning-rate schedule of the generator.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>Linear warm-up steps at the start (0 = none).</summary>
    public int WarmupSteps { get; init; }

    /// <summary>Clip the generator's gradient norm to this value (null = no clipping).</summary>
    public double? GradientClip { get; init; }

    /// <summary>Adversarial training, or null for none.</summary>
    public AdversarialOptions? Adversarial { get; init; } = new();

    /// <summary>Average the loss terms over this many steps per log.csv row and progress line.</summary>
    public int LogEvery { get; init; } = 20;

    /// <summary>Write <c>checkpoint-last</c> every N steps (and always at epoch end and on stop).</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Validate every N steps; 0 = at each epoch end only.</summary>
    public int ValidateEvery { get; init; }

    /// <summary>Redraw loss.png every N steps (and at epoch end).</summary>
    public int PlotEvery { get; init; } = 200;

    /// <summary>Seed of the generator's initialization and every per-step random draw.</summary>
    public int Seed { get; init; }

    /// <summary>TorchSharp intra-op threads.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Continue from <c>checkpoint-last</c> in the output folder when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>Start from scratch even when the output folder holds a checkpoint (otherwise that is refused).</summary>
    public bool Overwrite { get; init; }

    /// <summary>Smallest image side the patch discriminator accepts (four stride-2 convolutions then a 4x4 kernel).</summary>
    public const int PatchDiscriminatorMinimumSize = 32;

    /// <summary>Throws <see cref="ArgumentException"/> for values out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1 && MaxSteps is null) throw new ArgumentException("Epochs must be at least 1.");
        if (MaxSteps is < 1) throw new ArgumentException("Steps must be at least 1.");
        if (OptimizerSettings.LearningRate <= 0) throw new ArgumentException("Learning rate must be positive.");
        if (LogEvery < 1 || CheckpointEvery < 1 || PlotEvery < 1 || ValidateEvery < 0) throw new ArgumentException("Log, checkpoint and plot intervals must be at least 1.");
        if (Threads < 1) throw new ArgumentException("Threads must be at least 1.");
        if (Adversarial is { } a && (a.Weight < 0 || a.LearningRate <= 0)) throw new ArgumentException("Adversarial weight must be >= 0 and its learning rate positive.");
        if (Adversarial is { } b && (b.BaseChannels < 1 || b.Every < 1 || b.InputSize is < PatchDiscriminatorMinimumSize)) throw new ArgumentException($"Discriminator channels and interval must be at least 1, its input size at least {PatchDiscriminatorMinimumSize}.");
    }
}
