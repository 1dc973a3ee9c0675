using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;

namespace Harmonia.Models.S2CRNet;

/// <summary>Registration of the <c>s2crnet</c> harmonizer: settings and factory.</summary>
public static class S2CRNetMethod
{
    /// <summary>Method name.</summary>
    public const string Name = "s2crnet";

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "S2CRNet-C (learned): an encoder (ImageNet ResNet-18 or SqueezeNet) reads the fg/bg thumbnails and predicts cascaded per-channel curves, rendered at full resolution.",
        [
            new MethodSetting("model", "weights file: .safetensors, or a PyTorch .pth/.pt/training checkpoint with the official S2CRNet names; default: the embedded models/s2crnet-c.safetensors", ""),
            new MethodSetting("label", "foreground class person, animal, food, vehicle or other, for models with a semantic head (required by label-trained models; warned about and ignored by label-free ones)", ""),
            new MethodSetting("curves-out", "write the predicted curves as JSON to this file", ""),
            new MethodSetting("source-side", "reduce an image whose short side is longer to this short side before making the thumbnails, as in training (0 = never; empty = as the weights' metadata says)", ""),
            new MethodSetting("activation", "override the curve parameter activation: softplus or identity (official checkpoints)", ""),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        // libtorch loads on another thread while the weights are read and checked (S2CRNetWeights waits for it).
        TorchRuntime.StartLoading();
        SemanticClass? label = null;
        var labelName = settings.GetString("label", "")!;
        try { if (labelName.Length > 0) label = SemanticLabels.Parse(labelName); }
        catch (FormatException e) { throw new UsageException(e.Message); }
        CurveActivation? activation = string.IsNullOrEmpty(settings.GetString("activation", "")) ? null
            : settings.GetChoice("activation", CurveActivation.Softplus);
        int? sourceSide = string.IsNullOrEmpty(settings.GetString("source-side", "")) ? null
            : settings.GetInt("source-side", 0, 0, S2CRNetConfig.MaxSourceSide);
        Func<S2CRNetConfig, S2CRNetConfig> adjust = c =>
        {
            if (activation is { } a) c = c with { Activation = a };
            return sourceSide is { } side ? c with { SourceSide = side } : c;
        };
        var path = settings.GetString("model", "");
        var model = string.IsNullOrEmpty(path) ? S2CRNetWeights.LoadEmbedded(adjust) : S2CRNetWeights.Load(path, adjust);
        var curvesOut = settings.GetString("curves-out", "");
        try
        {
            return new S2CRNetHarmonizer(model, label, string.IsNullOrEmpty(curvesOut) ? null : curvesOut);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
