using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// S²CRNet weights files: safetensors with the official PyTorch parameter names (<c>squeezenet1_1.N.*</c>,
/// <c>fusion.crK.fc_f_1.fc1.*</c>, <c>fusion.crK.fc_b_1.fc1.*</c>, <c>fusion.crK.fc_label_1/2.*</c>,
/// <c>fusion.crK.fc_f_label.*</c>) and the configuration in the metadata. A converted official checkpoint (no
/// metadata, maybe a <c>module.</c> prefix; safetensors or the <c>.pth</c> itself) loads too: its stage count is read
/// from the <c>crK</c> names, its levels from the head's shape, its label use from which heads it has, and its
/// activation is the official identity.
/// </summary>
public static class S2CRNetWeights
{
    /// <summary>Name of the default weights embedded in Harmonia.Models (from <c>models/s2crnet-c.safetensors</c> at build time).</summary>
    public const string EmbeddedName = "Harmonia.Models.s2crnet-c.safetensors";

    /// <summary>Whether default weights were embedded at build time.</summary>
    public static bool HasEmbedded => typeof(S2CRNetWeights).Assembly.GetManifestResourceInfo(EmbeddedName) is not null;

    /// <summary>Metadata describing <paramref name="config"/> (stored with the weights).</summary>
    public static IReadOnlyDictionary<string, string> Metadata(S2CRNetConfig config)
    {
        var metadata = new Dictionary<string, string>
        {
            ["method"] = S2CRNetMethod.Name,
            ["stages"] = config.Stages.ToString(CultureInfo.InvariantCulture),
            ["levels"] = config.Levels.ToString(CultureInfo.InvariantCulture),
            ["semantic"] = config.Semantic ? "true" : "false",
            ["activation"] = EnumNames.Of(config.Activation),
            ["input_size"] = config.InputSize.ToString(CultureInfo.InvariantCulture),
            ["backbone"] = EnumNames.Of(config.Backbone),
            ["pyramid"] = config.Pyramid ? "true" : "false",
            ["hidden"] = config.Hidden.ToString(CultureInfo.InvariantCulture),
            ["color_stats"] = config.ColorStats ? "true" : "false",
        };
        // Written only when set, so weights trained without it keep their metadata byte for byte.
        if (config.SourceSide > 0) metadata["source_side"] = config.SourceSide.ToString(CultureInfo.InvariantCulture);
        return metadata;
    }

    const string ResNetPrefix = "resnet18.";

    /// <summary>The tensors a weights file holds: every entry of the state dict, or the heads only when the encoder is the frozen packaged ResNet-18.</summary>
    public static IEnumerable<KeyValuePair<string, Tensor>> Tensors(S2CRNetModel model, bool includeEncoder) =>
        StateDictIO.Named(model).Where(kv => includeEncoder || !kv.Key.StartsWith(ResNetPrefix, StringComparison.Ordinal));

    /// <summary>
    /// Loads a model from a file: safetensors, or a PyTorch <c>torch.save</c> file (<c>.pth</c>, <c>.pt</c>, a training
    /// checkpoint with <c>state_dict</c>, <c>module.</c> names), chosen by content (<see cref="WeightsFile"/>).
    /// </summary>
    public static S2CRNetModel Load(string path, Func<S2CRNetConfig, S2CRNetConfig>? adjust = null) =>
        Build(WeightsFile.Open(path), path, adjust);

    /// <summary>Loads the embedded default model; throws when none was embedded.</summary>
    public static unsafe S2CRNetModel LoadEmbedded(Func<S2CRNetConfig, S2CRNetConfig>? adjust = null)
    {
        const string name = "embedded s2crnet-c";
        using var stream = typeof(S2CRNetWeights).Assembly.GetManifestResourceStream(EmbeddedName)
            ?? throw new HarmoniaException("This build has no embedded S2CRNet weights: pass --model FILE (models/s2crnet-c.safetensors).");
        // The resource lies in the mapped assembly image, which stays mapped: parsed where it is, not copied (6.6 MB).
        if (stream is UnmanagedMemoryStream mapped)
            return Build(SafeTensors.Parse(MappedFile.InPlace(mapped.PositionPointer, checked((int)mapped.Length)).Memory, name), name, adjust);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Load(memory.ToArray(), name, adjust);
    }

    /// <summary>Parses safetensors bytes into a model built from their metadata (then <paramref name="adjust"/>).</summary>
    public static S2CRNetModel Load(byte[] bytes, string nameForErrors, Func<S2CRNetConfig, S2CRNetConfig>? adjust = null) =>
        Build(SafeTensors.Parse(bytes, nameForErrors), nameForErrors, adjust);

    /// <summary>
    /// Builds the model a weights file describes and loads it (strictly). The configuration comes from names, shapes
    /// and metadata, before libtorch is needed; the tensors are made (and disposed) after.
    /// </summary>
    static S2CRNetModel Build(WeightsContent content, string nameForErrors, Func<S2CRNetConfig, S2CRNetConfig>? adjust)
    {
        static string Unprefixed(string name) => name.StartsWith("module.", StringComparison.Ordinal) ? name["module.".Length..] : name;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (k, v) in content.Shapes) shapes[Unprefixed(k)] = v;
        var metadata = content.Metadata;
        S2CRNetConfig config;
        try { config = ConfigFrom(metadata, shapes); }
        catch (HarmoniaException e) { throw new HarmoniaException($"S2CRNet weights '{nameForErrors}': {e.Message}"); }
        if (adjust is not null) config = adjust(config);
        // A ResNet-18 model trained with a frozen encoder ships its heads only: the encoder is the packaged
        // ImageNet ONNX (restored with the build), converted at load into layers built without initialisation.
        bool externalEncoder = config.Backbone == S2CRNetBackbone.ResNet18 && !shapes.Keys.Any(k => k.StartsWith(ResNetPrefix, StringComparison.Ordinal));
        Runtime.TorchRuntime.EnsureAvailable();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, v) in content.CreateTensors()) tensors[Unprefixed(k)] = v;
        try
        {
            var model = new S2CRNetModel(config, externalEncoder ? new Device(DeviceType.META) : null);
            try
            {
                var report = StateDictIO.Load(model, tensors, strict: !externalEncoder && (config.Labels == LabelUse.Optional || metadata.Count > 0));
                var missing = report.Missing.Where(n => !IsUnusedHead(n, config.Labels) && !(externalEncoder && n.StartsWith(ResNetPrefix, StringComparison.Ordinal))).ToList();
                if (report.Unexpected.Count > 0 || missing.Count > 0)
                {
                    if (!externalEncoder) StateDictIO.Load(model, tensors, strict: true);
                    throw new HarmoniaException($"{missing.Count} tensor(s) missing and {report.Unexpected.Count} unexpected, e.g. '{string.Join("', '", missing.Concat(report.Unexpected).Take(3))}'.");
                }
                if (externalEncoder)
                {
                    var onnx = Backbones.ResNet18OnnxInit.DefaultPath()
                        ?? throw new HarmoniaException("the ImageNet ResNet-18 encoder (ResNet18.onnx from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1) was not found beside the program or in the NuGet cache; run 'dotnet restore' or set HARMONIA_RESNET18_ONNX.");
                    Backbones.ResNet18OnnxInit.Load(model.ResNet!, onnx);
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

    /// <summary>Most stages a file may declare (the official code builds 3; a larger value is a damaged or hostile file).</summary>
    public const int MaxStages = 8;

    /// <summary>
    /// The configuration a file describes: its metadata, else what the names and shapes imply (official: identity
    /// activation, L = rows of <c>fc_b_1</c> / 3, and <see cref="LabelUse.Optional"/> when the heads carry both the
    /// plain <c>fc_f_1</c> and the semantic <c>fc_f_label</c> + <c>fc_label_*</c> layers).
    /// </summary>
    public static S2CRNetConfig ConfigFrom(IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, long[]> shapes)
    {
        int stages = shapes.Keys.Select(StageOf).DefaultIfEmpty(0).Max();
        if (stages == 0) throw new HarmoniaException("the file has no 'fusion.crN.*' tensors; it is not an S2CRNet checkpoint.");
        if (stages > MaxStages) throw new HarmoniaException($"the file names stage {stages}; at most {MaxStages} are accepted.");
        string Get(string key, string fallback) => metadata.TryGetValue(key, out var v) ? v : fallback;
        int Int(string key, string fallback, int max) =>
            int.TryParse(Get(key, fallback), System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max
                ? v
                : throw new HarmoniaException($"metadata '{key}' must be an integer from 1 to {max}, got '{Get(key, fallback)}'.");
        if (!EnumNames.TryParse<CurveActivation>(Get("activation", "identity"), out var activation))
            throw new HarmoniaException($"unknown curve activation '{Get("activation", "")}' in the weights' metadata.");
        long plainRows = shapes.TryGetValue("fusion.cr1.fc_b_1.fc1.weight", out var shape) && shape.Length == 2 ? shape[0] : 3 * 64;
        int levels = Int("levels", (plainRows / 3).ToString(CultureInfo.InvariantCulture), 1024);
        int inputSize = Int("input_size", "256", 1024);
        // Harmonia metadata (any of its keys; every key is range-checked before the network is built).
        if (new[] { "semantic", "stages", "levels", "input_size", "backbone" }.Any(metadata.ContainsKey))
            return new S2CRNetConfig(Int("stages", stages.ToString(CultureInfo.InvariantCulture), MaxStages), levels, Get("semantic", "false") == "true", activation, inputSize,
                Backbone: EnumNames.TryParse<S2CRNetBackbone>(Get("backbone", "squeezenet"), out var backbone) ? backbone
                    : throw new HarmoniaException($"unknown backbone '{Get("backbone", "")}' in the weights' metadata."),
                Pyramid: Get("pyramid", "false") == "true",
                // Metadata sizes the network: bounded before anything is allocated from it.
                Hidden: Get("hidden", "0") == "0" ? 0 : Int("hidden", "0", 4096),
                ColorStats: Get("color_stats", "false") == "true")
            {
                SourceSide = metadata.ContainsKey("source_side") ? Int("source_side", "0", S2CRNetConfig.MaxSourceSide) : 0,
            };
        // No Harmonia metadata: an official checkpoint. Its heads say which paths it can run.
        bool plain = shapes.Keys.Any(n => n.Contains(".fc_f_1.", StringComparison.Ordinal));
        bool labelled = shapes.Keys.Any(n => n.Contains(".fc_f_label.", StringComparison.Ordinal));
        var labels = plain && labelled ? LabelUse.Optional : labelled ? LabelUse.Required : LabelUse.None;
        return new S2CRNetConfig(stages, levels, labels == LabelUse.Required, activation, inputSize) { Labels = labels };
    }

    static bool IsUnusedHead(string name, LabelUse labels) => labels switch
    {
        LabelUse.None => name.Contains(".fc_label_", StringComparison.Ordinal) || name.Contains(".fc_f_label.", StringComparison.Ordinal),
        LabelUse.Required => name.Contains(".fc_f_1.", StringComparison.Ordinal),
        _ => false,
    } || name.EndsWith("num_batches_tracked", StringComparison.Ordinal);

    static int StageOf(string name)
    {
        const string prefix = "fusion.cr";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return 0;
        int dot = name.IndexOf('.', prefix.Length);
        return dot > prefix.Length && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), CultureInfo.InvariantCulture, out int k) ? k : 0;
    }
}
