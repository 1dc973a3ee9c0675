using Harmonia.Core.Files;
using System.Reflection;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Backbones;

/// <summary>
/// Loads the ImageNet-trained ResNet-18 that the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>
/// 0.23.1 (MIT) ships as ONNX (<c>tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx</c>, a CNTK export) into
/// <see cref="ResNet18"/>. The graph's parameters have numeric names, so the mapping walks the graph: its 22 Conv
/// nodes in order (the package's CNTK model has 2, 2, 2, 3 blocks per stage) are the stem, then per block conv1, conv2 (with the block's 1×1 strided downsample wherever it
/// appears); every Conv is followed by a BatchNormalization node (scale, bias, mean, var; ε = 1e-5).
/// The package is restored by <c>PackageDownload</c> (the file is never committed); <see cref="DefaultPath"/> finds it.
/// </summary>
public static class ResNet18OnnxInit
{
    const string PackageFolder = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels";
    const string ModelRelativePath = "ResNet18Onnx/ResNet18.onnx";
    const string PreprocessRelativePath = "ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>
    /// The restored ONNX file: <c>$HARMONIA_RESNET18_ONNX</c> if set, else <c>models/ResNet18.onnx</c> beside the
    /// program (the build copies it there), else the NuGet package folder recorded at build time (or
    /// <c>~/.nuget/packages</c>); null when not found.
    /// </summary>
    public static string? DefaultPath()
    {
        const string variable = "HARMONIA_RESNET18_ONNX";
        var found = ModelLocator.Find(ModelLocator.Shipped("ResNet18.onnx"), variable);
        if (found is not null || Environment.GetEnvironmentVariable(variable) is { Length: > 0 }) return found;
        return PackageFile(ModelRelativePath);
    }

    /// <summary>The package's preprocessing graph (<c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>: RGB 0–255 → BGR minus a 224² mean image), or null.</summary>
    public static string? PreprocessPath() => PackageFile(PreprocessRelativePath);

    static string? PackageFile(string relative)
    {
        var roots = new List<string>();
        var recorded = typeof(ResNet18OnnxInit).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value;
        if (!string.IsNullOrEmpty(recorded)) roots.Add(recorded);
        var nugetEnv = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (!string.IsNullOrEmpty(nugetEnv)) roots.Add(nugetEnv);
        roots.Add(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"));
        return roots.Select(r => Path.Combine(r, PackageFolder, relative)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Copies every convolution and BatchNorm of the ONNX graph at <paramref name="onnxPath"/> into
    /// <paramref name="encoder"/>: into its existing tensors, or, for layers built on the meta device, as new tensors.
    /// </summary>
    public static void Load(ResNet18 encoder, string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new HarmoniaException($"ResNet-18 file '{onnxPath}' does not exist (restore the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18).");
        using var mapped = MappedFile.Open(onnxPath, "ResNet-18 file");
        var tensors = OnnxModelReader.ReadFloatInitializers(mapped.Memory);
        var nodes = OnnxModelReader.ReadNodes(mapped.Memory);

        var layers = encoder.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
        var targets = TargetNames(encoder.Blocks);
        var convs = nodes.Where(n => n.OpType == "Conv").ToList();
        int expected = 1 + 2 * encoder.Blocks.Sum() + 3;
        if (convs.Count != expected) throw new HarmoniaException($"'{onnxPath}' has {convs.Count} convolutions; the encoder ({string.Join("-", encoder.Blocks)} blocks) has {expected}.");
        var batchNormOf = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var n in nodes)
            if (n.OpType == "BatchNormalization" && n.Inputs.Count == 5) batchNormOf.TryAdd(n.Inputs[0], n);
        int next3x3 = 0;
        using var _ = torch.no_grad();
        foreach (var conv in convs)
        {
            var w = Get(tensors, conv.Inputs[1]);
            string prefix;
            if (w.Shape.Length != 4) throw new HarmoniaException($"'{onnxPath}': a convolution weight has {w.Shape.Length} dimensions, not 4.");
            if (w.Shape[2] == 7) prefix = "";
            else if (w.Shape[2] == 1) prefix = $"layer{StageOfWidth(w.Shape[0])}.0.downsample.";
            else if (next3x3 < targets.Count) prefix = targets[next3x3++];
            else throw new HarmoniaException($"'{onnxPath}': more 3x3 block convolutions than the {targets.Count} of the encoder.");
            if (!batchNormOf.TryGetValue(conv.Outputs[0], out var bn))
                throw new HarmoniaException($"'{onnxPath}': a convolution has no BatchNormalization after it.");
            if (bn.FloatAttributes.TryGetValue("epsilon", out var eps) && Math.Abs(eps - 1e-5f) > 1e-9f)
                throw new HarmoniaException($"'{onnxPath}': BatchNorm epsilon {eps} differs from the 1e-5 the encoder uses.");
            bool downsample = w.Shape[2] == 1;
            string convName = prefix.Length == 0 ? "conv1" : downsample ? prefix + "0" : prefix[..^1] + "conv" + prefix[^1];
            string bnName = prefix.Length == 0 ? "bn1" : downsample ? prefix + "1" : prefix[..^1] + "bn" + prefix[^1];
            var convLayer = Layer<Conv2d>(layers, convName);
            var bnLayer = Layer<BatchNorm2d>(layers, bnName);
            Set(convName + ".weight", convLayer.weight, w, t => convLayer.weight = new Parameter(t));
            Set(bnName + ".weight", bnLayer.weight, Get(tensors, bn.Inputs[1]), t => bnLayer.weight = new Parameter(t));
            Set(bnName + ".bias", bnLayer.bias, Get(tensors, bn.Inputs[2]), t => bnLayer.bias = new Parameter(t));
            Set(bnName + ".running_mean", bnLayer.running_mean, Get(tensors, bn.Inputs[3]), t => bnLayer.running_mean = t);
            Set(bnName + ".running_var", bnLayer.running_var, Get(tensors, bn.Inputs[4]), t => bnLayer.running_var = t);
            if (bnLayer.num_batches_tracked is { } count && count.device_type == DeviceType.META) bnLayer.num_batches_tracked = torch.tensor(0L);
        }
        if (next3x3 != targets.Count) throw new HarmoniaException($"'{onnxPath}': expected {targets.Count} 3x3 block convolutions, found {next3x3}.");
        // A layer built on the meta device that the graph did not fill would fail at the first forward pass.
        if (encoder.state_dict().FirstOrDefault(kv => kv.Value.device_type == DeviceType.META) is { Key: { } unset })
            throw new HarmoniaException($"'{onnxPath}' left the encoder's '{unset}' unset.");
    }

    static T Layer<T>(Dictionary<string, nn.Module> layers, string name) where T : nn.Module =>
        layers.TryGetValue(name, out var m) && m is T layer ? layer : throw new HarmoniaException($"The encoder has no layer '{name}'.");

    /// <summary>
    /// Fills the tensor <paramref name="name"/> from <paramref name="source"/>: copied into <paramref name="current"/>
    /// when it has memory, else a new tensor handed to <paramref name="assign"/>.
    /// </summary>
    static void Set(string name, Tensor? current, OnnxFloatTensor source, Action<Tensor> assign)
    {
        if (current is null) throw new HarmoniaException($"The encoder has no tensor '{name}'.");
        if (!current.shape.SequenceEqual(source.Shape)) throw new HarmoniaException($"'{name}': ONNX shape [{string.Join(",", source.Shape)}] differs from [{string.Join(",", current.shape)}].");
        if (current.device_type != DeviceType.META && current.dtype == ScalarType.Float32 && current.is_contiguous())
        {
            source.Bytes.Span.CopyTo(current.bytes);
            return;
        }
        var fresh = RawTensor.FromBytes(source.Bytes.Span, source.Shape, ScalarType.Float32);
        if (current.device_type == DeviceType.META) assign(fresh);
        else
        {
            current.copy_(fresh);
            fresh.Dispose();
        }
    }

    /// <summary>"layerK.B.N" for stage K, block B and convolution N (1/2), in graph order.</summary>
    static List<string> TargetNames(IReadOnlyList<int> blocks)
    {
        var names = new List<string>();
        for (int stage = 1; stage <= 4; stage++)
            for (int block = 0; block < blocks[stage - 1]; block++)
                for (int conv = 1; conv <= 2; conv++) names.Add($"layer{stage}.{block}.{conv}");
        return names;
    }

    static int StageOfWidth(long channels) => channels switch
    {
        64 => 1,
        128 => 2,
        256 => 3,
        512 => 4,
        _ => throw new HarmoniaException($"Unexpected downsample width {channels} in the ResNet-18 graph."),
    };

    static OnnxFloatTensor Get(Dictionary<string, OnnxFloatTensor> tensors, string name) =>
        tensors.TryGetValue(name, out var t) ? t : throw new HarmoniaException($"The ResNet-18 ONNX graph has no initializer '{name}'.");
}
