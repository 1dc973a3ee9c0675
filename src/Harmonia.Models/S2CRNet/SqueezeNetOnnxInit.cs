using Harmonia.Core.Errors;
using Harmonia.Models.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// Initializes the trunk from a Caffe-converted SqueezeNet 1.1 ONNX file (e.g. <c>squeezenet1.1-trunk-snacks.onnx</c>,
/// MIT), whose initializers are named <c>convolution_W/_B</c> (conv1), then <c>convolutionK_W/_B</c> for
/// K = 1..24 in fire order (squeeze, expand1x1, expand3x3 of fire2..fire9). The trunk uses conv1 + fire2..fire8.
/// Input convention: the Caffe net expects BGR in 0-255 minus the mean [104, 117, 123] (its BatchNormalization
/// preprocessing node with unit variance); ours is RGB in [0, 1]. Since conv1 has no padding, folding is exact:
/// W'[:, c] = 255 · W[:, 2 − c] and b' = b − Σ_c' mean[c'] · Σ_{kh,kw} W[:, c'].
/// The ONNX protobuf is parsed directly (only the graph's initializer tensors are needed; OnnxRuntime exposes no
/// initializer values), so no extra package is required.
/// </summary>
public static class SqueezeNetOnnxInit
{
    static readonly float[] CaffeMeanBgr = [104f, 117f, 123f];

    /// <summary>Copies conv1 and fire2..fire8 weights from <paramref name="onnxPath"/> into <paramref name="trunk"/>.</summary>
    public static void Load(Sequential trunk, string onnxPath)
    {
        if (!File.Exists(onnxPath)) throw new HarmoniaException($"Backbone file '{onnxPath}' does not exist.");
        var tensors = OnnxModelReader.ReadInitializers(File.ReadAllBytes(onnxPath));
        var target = trunk.state_dict();
        using var _ = torch.no_grad();

        // conv1 with the input convention folded in.
        var w = Get(tensors, "convolution_W", [64, 3, 3, 3]);
        var b = Get(tensors, "convolution_B", [64]);
        var folded = new float[w.Length];
        var bias = (float[])b.Clone();
        for (int o = 0; o < 64; o++)
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < 9; k++)
                {
                    float v = w[(o * 3 + (2 - c)) * 9 + k];
                    folded[(o * 3 + c) * 9 + k] = 255f * v;
                }
        for (int o = 0; o < 64; o++)
            for (int c = 0; c < 3; c++)
                for (int k = 0; k < 9; k++)
                    bias[o] -= CaffeMeanBgr[c] * w[(o * 3 + c) * 9 + k];
        Copy(target, "0.weight", folded);
        Copy(target, "0.bias", bias);

        int[] fireIndices = [3, 4, 6, 7, 9, 10, 11];
        string[] parts = ["squeeze", "expand1x1", "expand3x3"];
        int k1 = 1;
        foreach (var fire in fireIndices)
            foreach (var part in parts)
            {
                var name = $"{fire}.{part}";
                Copy(target, name + ".weight", Get(tensors, $"convolution{k1}_W", target[name + ".weight"].shape));
                Copy(target, name + ".bias", Get(tensors, $"convolution{k1}_B", target[name + ".bias"].shape));
                k1++;
            }
    }

    static float[] Get(Dictionary<string, (long[] Shape, float[] Data)> tensors, string name, long[] shape)
    {
        if (!tensors.TryGetValue(name, out var t))
            throw new HarmoniaException($"The backbone ONNX file has no initializer '{name}' (expected a Caffe SqueezeNet 1.1).");
        if (!t.Shape.SequenceEqual(shape))
            throw new HarmoniaException($"Initializer '{name}' has shape [{string.Join(", ", t.Shape)}], expected [{string.Join(", ", shape)}].");
        return t.Data;
    }

    static void Copy(Dictionary<string, Tensor> target, string name, float[] data)
    {
        var t = target[name];
        t.copy_(torch.tensor(data).view(t.shape));
    }
}
