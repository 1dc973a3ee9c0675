using Harmonia.Core.Files;
using System.Reflection;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using TorchSharp;
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

    /// <summary>Copies every convolution and BatchNorm of the ONNX graph at <paramref name="onnxPath"/> into <paramref name="encoder"/>.</summary>
    public static void Load(ResNet18 encoder, string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new HarmoniaException($"ResNet-18 file '{onnxPath}' does not exist (restore the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18).");
        var bytes = File.ReadAllBytes(onnxPath);
        var tensors = OnnxModelReader.ReadInitializers(bytes);
        var nodes = OnnxModelReader.ReadNodes(bytes);
        var producers = new Dictionary<string, OnnxNode>();
        foreach (var n in nodes) foreach (var o in n.Outputs) producers[o] = n;

        var state = encoder.state_dict();
        var targets = TargetNames(encoder.Blocks);
        var convs = nodes.Where(n => n.OpType == "Conv").ToList();
        int expected = 1 + 2 * encoder.Blocks.Sum() + 3;
        if (convs.Count != expected) throw new HarmoniaException($"'{onnxPath}' has {convs.Count} convolutions; the encoder ({string.Join("-", encoder.Blocks)} blocks) has {expected}.");
        var assigned = new List<string>();
        int next3x3 = 0;
        foreach (var conv in convs)
        {
            var w = Get(tensors, conv.Inputs[1]);
            string prefix;
            if (w.Shape[2] == 7) prefix = "";
            else if (w.Shape[2] == 1) prefix = $"layer{StageOfWidth(w.Shape[0])}.0.downsample.";
            else prefix = targets[next3x3++];
            assigned.Add(prefix);
            var bn = nodes.FirstOrDefault(n => n.OpType == "BatchNormalization" && n.Inputs[0] == conv.Outputs[0])
                ?? throw new HarmoniaException($"'{onnxPath}': a convolution has no BatchNormalization after it.");
            if (bn.FloatAttributes.TryGetValue("epsilon", out var eps) && Math.Abs(eps - 1e-5f) > 1e-9f)
                throw new HarmoniaException($"'{onnxPath}': BatchNorm epsilon {eps} differs from the 1e-5 the encoder uses.");
            bool downsample = w.Shape[2] == 1;
            string convName = prefix.Length == 0 ? "conv1" : downsample ? prefix + "0" : prefix + "conv";
            string bnName = prefix.Length == 0 ? "bn1" : downsample ? prefix + "1" : prefix + "bn";
            if (!downsample && prefix.Length > 0)
            {
                // prefix is "layerK.B.N" for the N-th (1 or 2) convolution of block B.
                convName = prefix[..^1] + "conv" + prefix[^1];
                bnName = prefix[..^1] + "bn" + prefix[^1];
            }
            Copy(state, convName + ".weight", w);
            Copy(state, bnName + ".weight", Get(tensors, bn.Inputs[1]));
            Copy(state, bnName + ".bias", Get(tensors, bn.Inputs[2]));
            Copy(state, bnName + ".running_mean", Get(tensors, bn.Inputs[3]));
            Copy(state, bnName + ".running_var", Get(tensors, bn.Inputs[4]));
        }
        if (next3x3 != targets.Count) throw new HarmoniaException($"'{onnxPath}': expected {targets.Count} 3x3 block convolutions, found {next3x3}.");
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

    static (long[] Shape, float[] Data) Get(Dictionary<string, (long[] Shape, float[] Data)> tensors, string name) =>
        tensors.TryGetValue(name, out var t) ? t : throw new HarmoniaException($"The ResNet-18 ONNX graph has no initializer '{name}'.");

    static void Copy(Dictionary<string, Tensor> target, string name, (long[] Shape, float[] Data) source)
    {
        if (!target.TryGetValue(name, out var t)) throw new HarmoniaException($"The encoder has no parameter '{name}'.");
        if (!t.shape.SequenceEqual(source.Shape)) throw new HarmoniaException($"'{name}': ONNX shape [{string.Join(",", source.Shape)}] differs from [{string.Join(",", t.shape)}].");
        using var _ = torch.no_grad();
        using var src = torch.tensor(source.Data).view(t.shape);
        t.copy_(src);
    }
}
