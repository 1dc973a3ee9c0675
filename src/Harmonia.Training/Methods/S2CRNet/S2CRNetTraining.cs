using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.S2CRNet;

namespace Harmonia.Training.Methods.S2CRNet;

/// <summary>
/// <c>harmonia train s2crnet</c>: options of the S²CRNet training task (the trainer adds --data, --out, --epochs, …).
/// </summary>
public static class S2CRNetTraining
{
    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        "s2crnet",
        "S2CRNet (AAAI'22): SqueezeNet fg/bg encoding -> cascaded per-channel curves; relative L1 over the mask summed over stages.",
        [
            new MethodSetting("stages", "cascaded CRM stages N (S2CRNet-C: 2)", "2"),
            new MethodSetting("levels", "curve levels L", "64"),
            new MethodSetting("semantic", "semantic CRM (uses semantic-labels.txt of the dataset)", "false"),
            new MethodSetting("activation", "curve parameter activation: softplus (positive, starts at identity) or identity (official raw p)", "softplus"),
            new MethodSetting("freeze-backbone", "train only the curve heads (no backward through the trunk; for small CPU budgets)", "false"),
            new MethodSetting("init-backbone", "Caffe SqueezeNet 1.1 ONNX file to initialize the trunk (e.g. ../shared/pretrained/squeezenet1.1-trunk-snacks.onnx)", ""),
        ],
        context => Create(context.Settings, context.Size));

    /// <summary>Builds the task from settings.</summary>
    public static S2CRNetTrainingTask Create(MethodSettings settings, int size = 256)
    {
        var activation = settings.GetString("activation", "softplus")!.ToLowerInvariant() switch
        {
            "softplus" => CurveActivation.Softplus,
            "identity" => CurveActivation.Identity,
            var other => throw new UsageException($"--activation must be softplus or identity, got '{other}'."),
        };
        var config = new S2CRNetConfig(
            Stages: settings.GetInt("stages", 2, 1, 8),
            Levels: settings.GetInt("levels", 64, 2, 1024),
            Semantic: bool.TryParse(settings.GetString("semantic", "false"), out var sem) && sem,
            Activation: activation,
            InputSize: size);
        var backbone = settings.GetString("init-backbone", "");
        bool freeze = bool.TryParse(settings.GetString("freeze-backbone", "false"), out var f) && f;
        return new S2CRNetTrainingTask(new S2CRNetModel(config), string.IsNullOrWhiteSpace(backbone) ? null : backbone, freeze);
    }
}
