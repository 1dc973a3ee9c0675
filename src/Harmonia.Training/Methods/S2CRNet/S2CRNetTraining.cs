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
        S2CRNetMethod.Name,
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
            new MethodSetting("source-side", S2CRNetConfig.SourceSideTrainingHelp, "0"),
        ],
        context => Create(context.Settings, context.Size));

    /// <summary>Builds the task from settings (parsed by <see cref="S2CRNetConfig.FromSettings"/>).</summary>
    public static S2CRNetTrainingTask Create(MethodSettings settings, int size = 256)
    {
        var config = S2CRNetConfig.FromSettings(settings, size);
        var backbone = settings.GetString("init-backbone", "");
        bool freeze = settings.GetBool("freeze-backbone", false);
        return new S2CRNetTrainingTask(new S2CRNetModel(config), string.IsNullOrWhiteSpace(backbone) ? null : backbone, freeze);
    }
}
