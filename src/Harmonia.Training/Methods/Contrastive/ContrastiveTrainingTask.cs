using System.Globalization;
using Harmonia.Models.Contrastive;
using Harmonia.Training.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.Contrastive;

/// <summary>
/// Trains the contrastive network (<c>harmonia train contrastive</c>) with its objective
/// (<see cref="ContrastiveObjective"/>: 0.4·L1 + 0.5·L_pixel + 0.1·L_HCL). The generator holds the loss's shared MLP
/// too (<see cref="ContrastiveModel.Projector"/>), so it is optimised with the network and restored on resume.
/// Paper: AdamW, lr 1e-3, batch 8, 256² (<c>--optimizer adamw --lr 1e-3 -b 8</c>).
/// </summary>
public sealed class ContrastiveTrainingTask(ContrastiveModel model, ContrastiveObjective objective) : ITrainingTask
{
    /// <summary>Training crop size, stored in the weights so inference uses the same working resolution.</summary>
    public int TrainSize { get; init; } = 128;

    /// <summary>The objective (weights of the terms, K, τ).</summary>
    public ContrastiveObjective Objective => objective;

    /// <inheritdoc />
    public string Name => ContrastiveMethod.Name;

    /// <inheritdoc />
    public nn.Module Generator => model;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => model.parameters();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WeightsMetadata
    {
        get
        {
            var m = ContrastiveConfigMetadata.ToMetadata(model.Config);
            m[ContrastiveConfigMetadata.WorkingSize] = TrainSize.ToString(CultureInfo.InvariantCulture);
            m["contrastive.hcl_weight"] = objective.ContrastiveWeight.ToString("R", CultureInfo.InvariantCulture);
            return m;
        }
    }

    /// <summary>Blended prediction and the loss terms l1, pixel and (with a positive weight) hcl.</summary>
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        var prediction = model.Harmonize(batch.Composite, batch.Mask);
        var (total, terms) = objective.Compute(model, prediction, batch.Composite, batch.Real, batch.Mask);
        return new TrainStepOutput(prediction, total, terms);
    }
}
