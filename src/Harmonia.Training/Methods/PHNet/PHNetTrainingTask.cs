using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.Weights;
using Harmonia.Training.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.PHNet;

/// <summary>
/// Trains PHNet (<c>harmonia train phnet</c>) with its own objective (<see cref="PHNetLoss"/>) and the paper's three
/// stages: 1 = encoder-decoder without the PFE (paper: lr 1e-4, 100 epochs); 2 = PFE added, encoder frozen (lr 1e-5,
/// 10 epochs); 3 = everything fine-tuned (lr 1e-7, 50 epochs). Pick one stage per run with <c>--stage</c> and start
/// the next from the previous run's weights with <c>--init</c> (the paper's per-stage learning rates go in
/// <c>--lr</c>), or give <c>--stage-epochs a,b</c> to switch stages inside one run: stage 1 for the first a epochs,
/// stage 2 for the next b, stage 3 after (the learning rate then follows the run's one schedule).
/// The paper trains with Lion (<c>--optimizer lion</c>).
/// </summary>
public sealed class PHNetTrainingTask : ITrainingTask
{
    readonly PHNetModel model;
    readonly PHNetLoss loss;
    readonly int fixedStage;
    readonly int[]? stageEpochs;
    int stage;

    /// <summary>Training crop size, stored in the weights so inference uses the same working resolution.</summary>
    public int TrainSize { get; init; } = 256;

    /// <summary>
    /// Creates the task for a network; <paramref name="stageEpochs"/> (2 values) overrides <paramref name="stage"/>;
    /// <paramref name="loss"/> defaults to the paper's weights.
    /// </summary>
    public PHNetTrainingTask(PHNetModel model, int stage, int[]? stageEpochs = null, PHNetLoss? loss = null)
    {
        this.loss = loss ?? new PHNetLoss();
        if (stage is < 1 or > 3) throw new UsageException($"PHNet stage must be 1, 2 or 3, got {stage}.");
        this.model = model;
        fixedStage = stage;
        this.stageEpochs = stageEpochs;
        SetStage(stageEpochs is null ? stage : 1);
    }


    /// <summary>The current stage (1-3).</summary>
    public int Stage => stage;

    /// <inheritdoc />
    public string Name => PHNetMethod.Name;

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
        var (total, terms) = loss.Compute(prediction, batch.Real, batch.Mask, batch.Composite);
        return new TrainStepOutput(prediction, total, terms);
    }
}
