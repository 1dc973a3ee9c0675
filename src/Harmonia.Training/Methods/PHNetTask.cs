using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.Weights;
using Harmonia.Training.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods;

/// <summary>
/// Trains PHNet (<c>harmonia train phnet</c>) with its own objective (<see cref="PHNetLoss"/>) and the paper's three
/// stages: 1 = encoder-decoder without the PFE (paper: lr 1e-4, 100 epochs); 2 = PFE added, encoder frozen (lr 1e-5,
/// 10 epochs); 3 = everything fine-tuned (lr 1e-7, 50 epochs). Pick one stage per run with <c>--stage</c> and start
/// the next from the previous run's weights with <c>--init</c> (the paper's per-stage learning rates go in
/// <c>--lr</c>), or give <c>--stage-epochs a,b</c> to switch stages inside one run: stage 1 for the first a epochs,
/// stage 2 for the next b, stage 3 after (the learning rate then follows the run's one schedule).
/// The paper trains with Lion (<c>--optimizer lion</c>).
/// </summary>
public sealed class PHNetTask : ITrainingTask
{
    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        "phnet",
        "PHNet (patch-based normalization; Efremyan et al.); paper trains with Lion in three stages.",
        [
            new MethodSetting("stage", "training stage: 1 = no PFE, 2 = PFE with the encoder frozen, 3 = everything", "1"),
            new MethodSetting("stage-epochs", "switch stages inside one run: 'a,b' = stage 1 for a epochs, stage 2 for b, then 3 (overrides --stage)", ""),
            new MethodSetting("width", "encoder width divisor of the official 3,16,...,512 channels (1 = official, 2 = half, 4 = quarter)", "1"),
            new MethodSetting("output", "how the last layer becomes the image: residual (image + d, starts at the identity; ours) or sigmoid (official)", "residual"),
            new MethodSetting("init", "weights (.safetensors) to start from, e.g. the previous stage's best.safetensors", ""),
        ],
        Create);

    readonly PHNetModel model;
    readonly PHNetLoss loss = new();
    readonly int fixedStage;
    readonly int[]? stageEpochs;
    int stage;

    /// <summary>Training crop size, stored in the weights so inference uses the same working resolution.</summary>
    public int TrainSize { get; init; } = 256;

    /// <summary>Creates the task for a network; <paramref name="stageEpochs"/> (2 values) overrides <paramref name="stage"/>.</summary>
    public PHNetTask(PHNetModel model, int stage, int[]? stageEpochs = null)
    {
        if (stage is < 1 or > 3) throw new UsageException($"PHNet stage must be 1, 2 or 3, got {stage}.");
        this.model = model;
        fixedStage = stage;
        this.stageEpochs = stageEpochs;
        SetStage(stageEpochs is null ? stage : 1);
    }

    static ITrainingTask Create(TrainingContext context)
    {
        var s = context.Settings;
        int divisor = s.GetInt("width", 1, 1, 16);
        var outputName = s.GetString("output", "residual")!;
        var output = PHNetConfigMetadata.TryParseOutput(outputName)
                     ?? throw new UsageException($"--output must be residual or sigmoid, got '{outputName}'.");
        var model = new PHNetModel(PHNetConfig.Scaled(divisor, output));
        var init = s.GetString("init", "");
        if (!string.IsNullOrEmpty(init))
        {
            if (!File.Exists(init)) throw new UsageException($"--init: file '{init}' does not exist.");
            StateDictIO.Load(model, init);
        }
        int[]? epochs = null;
        var spec = s.GetString("stage-epochs", "");
        if (!string.IsNullOrWhiteSpace(spec))
        {
            var parts = spec.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new UsageException($"--stage-epochs must be two whole numbers 'a,b', got '{spec}'.");
            epochs = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        return new PHNetTask(model, s.GetInt("stage", 1, 1, 3), epochs) { TrainSize = context.Size };
    }

    /// <summary>The current stage (1-3).</summary>
    public int Stage => stage;

    /// <inheritdoc />
    public string Name => Method.Name;

    /// <inheritdoc />
    public nn.Module Generator => model;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WeightsMetadata
    {
        get
        {
            var m = PHNetConfigMetadata.ToMetadata(model.Config);
            m["phnet.stage"] = stage.ToString(CultureInfo.InvariantCulture);
            m[PHNetConfigMetadata.WorkingSize] = TrainSize.ToString(CultureInfo.InvariantCulture);
            return m;
        }
    }

    /// <summary>
    /// Every parameter except, in stage 1, the unused PFE (so an optimizer built at the start of a stage-schedule run
    /// still covers the PFE: it holds every parameter then, and frozen ones are skipped by requires_grad).
    /// </summary>
    public IEnumerable<Parameter> TrainableParameters() =>
        stageEpochs is null && fixedStage == 1
            ? model.named_parameters().Where(p => !p.name.StartsWith("feature_extractor.", StringComparison.Ordinal)).Select(p => p.parameter)
            : model.parameters();

    /// <inheritdoc />
    public void OnEpochStart(int epoch)
    {
        if (stageEpochs is null) return;
        SetStage(epoch < stageEpochs[0] ? 1 : epoch < stageEpochs[0] + stageEpochs[1] ? 2 : 3);
    }

    void SetStage(int value)
    {
        stage = value;
        model.UseFeatureExtractor = value >= 2;
        foreach (var p in model.EncoderParameters()) p.requires_grad = value != 2;
    }

    /// <summary>Blended prediction and the PHNet loss (terms psnr, fnmse, grad).</summary>
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        model.train();
        var prediction = model.Harmonize(batch.Composite, batch.Mask);
        var (total, terms) = loss.Compute(prediction, batch.Real, batch.Mask);
        return new TrainStepOutput(prediction, total, terms);
    }
}
