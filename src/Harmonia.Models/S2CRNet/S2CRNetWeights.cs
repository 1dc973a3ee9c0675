using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// S²CRNet weights files: safetensors with the official PyTorch parameter names (<c>squeezenet1_1.N.*</c>,
/// <c>fusion.crK.fc_f_1.fc1.*</c>, <c>fusion.crK.fc_b_1.fc1.*</c>, <c>fusion.crK.fc_label_1/2.*</c>,
/// <c>fusion.crK.fc_f_label.*</c>) and the configuration in the metadata. A converted official checkpoint (no
/// metadata, maybe a <c>module.</c> prefix) loads too: its stage count is read from the <c>crK</c> names and its
/// activation is the official identity.
/// </summary>
public static class S2CRNetWeights
{
    /// <summary>Name of the default weights embedded in Harmonia.Models (from <c>models/s2crnet-c.safetensors</c> at build time).</summary>
    public const string EmbeddedName = "Harmonia.Models.s2crnet-c.safetensors";

    const string ResNetPrefix = "resnet18.";

    /// <summary>The tensors a weights file holds: every entry of the state dict, or the heads only when the encoder is the frozen packaged ResNet-18.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Tensors(S2CRNetModel model, bool includeEncoder) =>
        StateDictIO.Named(model).Where(kv => includeEncoder || !kv.Key.StartsWith(ResNetPrefix, StringComparison.Ordinal));

    /// <summary>Whether default weights were embedded at build time.</summary>
    public static bool HasEmbedded => typeof(S2CRNetWeights).Assembly.GetManifestResourceInfo(EmbeddedName) is not null;

    /// <summary>Metadata describing <paramref name="config"/> (stored with the weights).</summary>
    public static IReadOnlyDictionary<string, string> Metadata(S2CRNetConfig config) => new Dictionary<string, string>
    {
        ["method"] = "s2crnet",
        ["stages"] = config.Stages.ToString(CultureInfo.InvariantCulture),
        ["levels"] = config.Levels.ToString(CultureInfo.InvariantCulture),
        ["semantic"] = config.Semantic ? "true" : "false",
        ["activation"] = config.Activation.ToString().ToLowerInvariant(),
        ["input_size"] = config.InputSize.ToString(CultureInfo.InvariantCulture),
        ["backbone"] = config.Backbone switch { S2CRNetBackbone.ResNet18 => "resnet18", S2CRNetBackbone.None => "none", _ => "squeezenet" },
        ["pyramid"] = config.Pyramid ? "true" : "false",
        ["hidden"] = config.Hidden.ToString(CultureInfo.InvariantCulture),
        ["color_stats"] = config.ColorStats ? "true" : "false",
    };

    /// <summary>Loads a model from a file.</summary>
    public static S2CRNetModel Load(string path, Func<S2CRNetConfig, S2CRNetConfig>? adjust = null)
    {
        var bytes = Harmonia.Core.Files.InputFile.ReadAllBytes(path, SafeTensors.MaxFileBytes, "S2CRNet weights");
        return Load(bytes, path, adjust);
    }

    /// <summary>Loads the embedded default model; throws when none was embedded.</summary>
    public static S2CRNetModel LoadEmbedded(Func<S2CRNetConfig, S2CRNetConfig>? adjust = null)
    {
        using var stream = typeof(S2CRNetWeights).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new HarmoniaException("This build has no embedded S2CRNet weights: pass --model FILE (models/s2crnet-c.safetensors).");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Load(memory.ToArray(), "embedded s2crnet-c", adjust);
    }

    /// <summary>Parses safetensors bytes into a model built from their metadata (then <paramref name="adjust"/>).</summary>
    public static S2CRNetModel Load(byte[] bytes, string nameForErrors, Func<S2CRNetConfig, S2CRNetConfig>? adjust = null)
    {
        var raw = SafeTensors.Deserialize(bytes, out var metadata, nameForErrors);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in raw) tensors[k.StartsWith("module.", StringComparison.Ordinal) ? k["module.".Length..] : k] = v;
        try
        {
            var config = ConfigFrom(metadata, tensors.Keys);
            if (adjust is not null) config = adjust(config);
            var model = new S2CRNetModel(config);
            try
            {
                // A ResNet-18 model trained with a frozen encoder ships its heads only: the encoder is the packaged
                // ImageNet ONNX (restored with the build), converted at load.
                bool externalEncoder = config.Backbone == S2CRNetBackbone.ResNet18 && !tensors.Keys.Any(k => k.StartsWith(ResNetPrefix, StringComparison.Ordinal));
                if (externalEncoder)
                {
                    var report = StateDictIO.Load(model, tensors, strict: false);
                    var missing = report.Missing.Where(m => !m.StartsWith(ResNetPrefix, StringComparison.Ordinal) && !m.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
                    if (missing.Count > 0 || report.Unexpected.Count > 0)
                        throw new HarmoniaException($"{missing.Count} tensor(s) missing and {report.Unexpected.Count} unexpected, e.g. '{string.Join("', '", missing.Concat(report.Unexpected).Take(3))}'.");
                    var onnx = Backbones.ResNet18OnnxInit.DefaultPath()
                        ?? throw new HarmoniaException("the ImageNet ResNet-18 encoder (ResNet18.onnx from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1) was not found beside the program or in the NuGet cache; run 'dotnet restore' or set HARMONIA_RESNET18_ONNX.");
                    Backbones.ResNet18OnnxInit.Load(model.ResNet!, onnx);
                }
                else
                {
                    StateDictIO.Load(model, tensors, strict: true);
                }
            }
            catch (HarmoniaException e)
            {
                model.Dispose();
                throw new HarmoniaException($"S2CRNet weights '{nameForErrors}': {e.Message}");
            }
            return model;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>The configuration a file describes: its metadata, else what the names imply (official: identity activation).</summary>
    public static S2CRNetConfig ConfigFrom(IReadOnlyDictionary<string, string> metadata, IEnumerable<string> names)
    {
        int stages = names.Select(StageOf).DefaultIfEmpty(0).Max();
        if (stages == 0) throw new HarmoniaException("the file has no 'fusion.crN.*' tensors; it is not an S2CRNet checkpoint.");
        string Get(string key, string fallback) => metadata.TryGetValue(key, out var v) ? v : fallback;
        var activation = Get("activation", "identity") switch
        {
            "softplus" => CurveActivation.Softplus,
            "identity" => CurveActivation.Identity,
            var other => throw new HarmoniaException($"unknown curve activation '{other}' in the weights' metadata."),
        };
        return new S2CRNetConfig(
            Backbone: Get("backbone", "squeezenet") switch
            {
                "squeezenet" => S2CRNetBackbone.SqueezeNet,
                "resnet18" => S2CRNetBackbone.ResNet18,
                "none" => S2CRNetBackbone.None,
                var other => throw new HarmoniaException($"unknown backbone '{other}' in the weights' metadata."),
            },
            Pyramid: Get("pyramid", "false") == "true",
            // Metadata sizes the network: bounded before anything is allocated from it.
            Hidden: WeightsMetadata.Int(metadata, "hidden", 0, 0, 4096),
            ColorStats: Get("color_stats", "false") == "true",
            Stages: WeightsMetadata.Int(metadata, "stages", stages, 1, 16),
            Levels: WeightsMetadata.Int(metadata, "levels", 64, 2, 1024),
            Semantic: Get("semantic", "false") == "true",
            Activation: activation,
            InputSize: WeightsMetadata.Int(metadata, "input_size", 256, 16, 2048));
    }

    static int StageOf(string name)
    {
        const string prefix = "fusion.cr";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return 0;
        int dot = name.IndexOf('.', prefix.Length);
        return dot > prefix.Length && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), CultureInfo.InvariantCulture, out int k) ? k : 0;
    }
}
