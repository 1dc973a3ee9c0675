using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Training.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.S2CRNet;

/// <summary>
/// S²CRNet training: builds the fg crop / bg inputs from the batch, renders every cascade stage, and returns the
/// relative L1 over the mask summed over stages (paper eq. 2). The prediction is the last stage blended with the
/// mask (what the trainer's discriminator and validation see).
/// </summary>
public sealed class S2CRNetTrainingTask : ITrainingTask
{
    readonly S2CRNetModel model;
    readonly bool freezeBackbone;

    /// <summary>
    /// Wraps <paramref name="model"/>, optionally initializing its trunk from a Caffe SqueezeNet 1.1 ONNX file.
    /// With <paramref name="freezeBackbone"/> the trunk gets no gradient (no backward pass through it: about 3x
    /// fewer FLOPs per step, for CPU budgets) and only the curve heads train.
    /// </summary>
    public S2CRNetTrainingTask(S2CRNetModel model, string? initBackbone = null, bool freezeBackbone = false)
    {
        this.model = model;
        this.freezeBackbone = freezeBackbone;
        if (model.ResNet is { } resnet)
            Harmonia.Models.Backbones.ResNet18OnnxInit.Load(resnet, string.IsNullOrEmpty(initBackbone)
                ? Harmonia.Models.Backbones.ResNet18OnnxInit.DefaultPath() ?? throw new Harmonia.Core.Errors.HarmoniaException("ResNet18.onnx was not restored (NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18).")
                : initBackbone);
        else if (!string.IsNullOrEmpty(initBackbone)) SqueezeNetOnnxInit.Load(model.SqueezeNet!, initBackbone);
        if (freezeBackbone)
            foreach (var p in model.Backbone.parameters()) p.requires_grad = false;
    }

    /// <inheritdoc />
    public string Name => "s2crnet";

    /// <inheritdoc />
    public nn.Module Generator => model;

    /// <summary>The model being trained.</summary>
    public S2CRNetModel Model => model;

    /// <inheritdoc />
    public IEnumerable<TorchSharp.Modules.Parameter> TrainableParameters() =>
        freezeBackbone ? model.TrainableParameters().Where(p => p.requires_grad) : model.TrainableParameters();

    /// <summary>Configuration stored in the weights file so the harmonizer rebuilds the same model.</summary>
    public IReadOnlyDictionary<string, string> WeightsMetadata => S2CRNetWeights.Metadata(model.Config);

    /// <inheritdoc />
    public void SetMode(bool training)
    {
        model.train(training);
        // The pretrained ResNet's BatchNorm keeps its ImageNet statistics, frozen or fine-tuned.
        if (model.ResNet is { } resnet) foreach (var bn in resnet.BatchNorms()) bn.eval();
    }

    /// <inheritdoc />
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        using var scope = NewDisposeScope();
        var (fg, bg) = S2CRNetInputs.FromBatch(batch.Composite, batch.Mask, model.Config.InputSize, model.Config.SourceSide);
        var labels = model.Config.Semantic ? S2CRNetInputs.OneHot(batch.Labels) : null;
        var (stages, _) = model.Forward(batch.Composite, fg, bg, labels);
        var loss = S2CRNetLoss.CascadeRelativeL1(stages, batch.Real, batch.Mask);
        var last = stages[^1];
        var prediction = (last * batch.Mask).Plus(batch.Composite * batch.Mask.OneMinus());
        var terms = new Dictionary<string, Tensor> { ["rl1"] = loss.detach().MoveToOuterDisposeScope() };
        for (int s = 0; s < stages.Length; s++)
            terms[$"rl1_s{s + 1}"] = S2CRNetLoss.RelativeL1(stages[s].detach(), batch.Real, batch.Mask).MoveToOuterDisposeScope();
        return new TrainStepOutput(prediction.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), terms);
    }
}
