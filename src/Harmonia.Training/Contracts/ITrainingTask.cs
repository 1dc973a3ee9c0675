using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Contracts;

/// <summary>
/// What a method gives the generic trainer: its generator module and how to compute the prediction and the
/// method's own (non-adversarial) losses for a batch. The trainer owns optimizers, the optional adversarial
/// step, checkpoints, logs and validation.
/// </summary>
public interface ITrainingTask
{
    /// <summary>Method name, e.g. "s2crnet".</summary>
    string Name { get; }

    /// <summary>The generator; its state dict is what checkpoints and shipped weights hold.</summary>
    nn.Module Generator { get; }

    /// <summary>The generator parameters to optimize now (a method may freeze some for a training stage).</summary>
    IEnumerable<TorchSharp.Modules.Parameter> TrainableParameters();

    /// <summary>Runs the generator on a batch in training mode and returns its prediction and loss terms.</summary>
    TrainStepOutput Forward(HarmonizationBatch batch);

    /// <summary>
    /// Called by the trainer before each epoch (including the epoch a resumed run continues in), e.g. to change
    /// a training stage. Default: nothing. The optimizer is built once over <see cref="TrainableParameters"/> at start.
    /// </summary>
    void OnEpochStart(int epoch) { }

    /// <summary>String metadata stored in the shipped weights files (configuration the loader of the weights needs). Default: none.</summary>
    IReadOnlyDictionary<string, string> WeightsMetadata => new Dictionary<string, string>();
}

/// <summary>
/// Output of one generator pass. Prediction: (N, 3, H, W) in [0, 1], already blended with the mask.
/// Loss: the method's total non-adversarial loss (scalar). Terms: named scalars for the log (detached or not).
/// </summary>
public sealed record TrainStepOutput(Tensor Prediction, Tensor Loss, IReadOnlyDictionary<string, Tensor> Terms);
