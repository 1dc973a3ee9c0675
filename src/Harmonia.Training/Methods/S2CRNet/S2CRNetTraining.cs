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
            new MethodSetting("init-backbone", "ONNX file to initialize the encoder: a Caffe SqueezeNet 1.1 (e.g. ../shared/pretrained/squeezenet1.1-trunk-snacks.onnx); for resnet18 default the restored ImageNet ResNet18.onnx", ""),
            new MethodSetting("backbone", "encoder: squeezenet (paper), resnet18 (ImageNet-pretrained, Harmonia's variant) or none (colour statistics only)", "squeezenet"),
            new MethodSetting("pyramid", "resnet18: heads read the pooled features of all four stages (960) instead of the last (512)", "false"),
            new MethodSetting("hidden", "hidden width of each curve head (0 = official linear heads)", "0"),
            new MethodSetting("color-stats", "append colour statistics (per-channel mean, std, 8-bin histogram) of each input to its features", "false"),
        ],
        context => Create(context.Settings, context.Size));

    /// <summary>squeezenet or resnet18.</summary>
    public static S2CRNetBackbone ParseBackbone(string name) => name.ToLowerInvariant() switch
    {
        "squeezenet" => S2CRNetBackbone.SqueezeNet,
        "resnet18" => S2CRNetBackbone.ResNet18,
        "none" => S2CRNetBackbone.None,
        var other => throw new UsageException($"--backbone must be squeezenet, resnet18 or none, got '{other}'."),
    };

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
            InputSize: size,
            Backbone: ParseBackbone(settings.GetString("backbone", "squeezenet")!),
            Pyramid: bool.TryParse(settings.GetString("pyramid", "false"), out var pyr) && pyr,
            Hidden: settings.GetInt("hidden", 0, 0, 4096),
            ColorStats: bool.TryParse(settings.GetString("color-stats", "false"), out var cs) && cs);
        var backbone = settings.GetString("init-backbone", "");
        bool freeze = bool.TryParse(settings.GetString("freeze-backbone", "false"), out var f) && f;
        return new S2CRNetTrainingTask(new S2CRNetModel(config), string.IsNullOrWhiteSpace(backbone) ? null : backbone, freeze);
    }
}
