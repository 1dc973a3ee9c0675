using Harmonia.Core.Imaging;
using Harmonia.Models.Backbones;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Backbones;

/// <summary>
/// The converted ImageNet ResNet-18 computes what the shipped ONNX graph computes, on a real photo (examples/), run
/// through ONNX Runtime and through the TorchSharp encoder.
/// </summary>
public sealed class ResNet18ConversionTests
{
    const int Side = 224;

    static (float[] Planar, RgbImage Image) Photo()
    {
        var image = Resize.Rgb(ImageCodec.Read(Path.Combine(SharedData.RepoRoot, "examples", "drum_real.jpg")), Side, Side, ResizeFilter.Bilinear);
        var planar = new float[3 * Side * Side];
        for (int i = 0; i < Side * Side; i++)
            for (int c = 0; c < 3; c++) planar[c * Side * Side + i] = image.Pixels[3 * i + c] / 255f;
        return (planar, image);
    }

    static float[] RunOnnx(string path, string inputName, float[] data)
    {
        using var session = new InferenceSession(path);
        var name = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(data, [1, 3, Side, Side]))]);
        return results.First().AsEnumerable<float>().ToArray();
    }

    static ResNet18 LoadEncoder()
    {
        TorchRuntime.EnsureAvailable();
        var path = ResNet18OnnxInit.DefaultPath();
        Assert.True(path is not null, "ResNet18.onnx was not restored (PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18).");
        var encoder = new ResNet18();
        ResNet18OnnxInit.Load(encoder, path!);
        encoder.eval();
        return encoder;
    }

    static float[] Encode(ResNet18 encoder, float[] planar)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return encoder.Pooled(tensor(planar, [1, 3, Side, Side])).Stages[3].data<float>().ToArray();
    }

    /// <summary>The graph's own input: BGR 0–255 minus the per-channel mean (what ResNet18.Normalize produces).</summary>
    static float[] NetworkInput(float[] planar)
    {
        float[] bgr = new float[planar.Length];
        int plane = Side * Side;
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) bgr[c * plane + i] = planar[(2 - c) * plane + i] * 255f - ResNet18.MeanRgb[2 - c];
        return bgr;
    }

    static double MaxRelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = expected.Max(v => Math.Abs(v));
        return expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() / scale;
    }

    [Fact]
    public void Encoder_built_without_initialisation_matches_the_onnx_graph_and_holds_only_cpu_tensors()
    {
        // Built on the meta device, so no random numbers are drawn (other tests' seeded runs share the generator).
        TorchRuntime.EnsureAvailable();
        using var encoder = new ResNet18(device: new TorchSharp.torch.Device(TorchSharp.DeviceType.META));
        ResNet18OnnxInit.Load(encoder, ResNet18OnnxInit.DefaultPath()!);
        encoder.eval();
        Assert.All(encoder.state_dict(), kv => Assert.Equal(TorchSharp.DeviceType.CPU, kv.Value.device_type));
        Assert.All(encoder.parameters(), p => Assert.True(p.requires_grad));
        var (planar, _) = Photo();
        var reference = RunOnnx(ResNet18OnnxInit.DefaultPath()!, "", NetworkInput(planar));
        double error = MaxRelativeError(reference, Encode(encoder, planar));
        Assert.True(error < 1e-4, $"max |Δ| / max |ref| = {error:E2} (tolerance 1e-4)");
    }

    [Fact]
    public void Empty_or_truncated_onnx_file_is_one_harmonia_error()
    {
        TorchRuntime.EnsureAvailable();
        using var folder = new TempFolder();
        var empty = folder.File("empty.onnx");
        File.WriteAllBytes(empty, []);
        Assert.Contains("is empty", Assert.Throws<Harmonia.Core.Errors.HarmoniaException>(() => ResNet18OnnxInit.Load(new ResNet18(device: new TorchSharp.torch.Device(TorchSharp.DeviceType.META)), empty)).Message);
        var truncated = folder.File("truncated.onnx");
        using (var source = File.OpenRead(ResNet18OnnxInit.DefaultPath()!))
        {
            var head = new byte[4096];
            source.ReadExactly(head);
            File.WriteAllBytes(truncated, head);
        }
        Assert.Contains("truncated", Assert.Throws<Harmonia.Core.Errors.HarmoniaException>(() => ResNet18OnnxInit.Load(new ResNet18(device: new TorchSharp.torch.Device(TorchSharp.DeviceType.META)), truncated)).Message);
    }

    [Fact]
    public void Encoder_matches_the_onnx_graph_on_the_same_network_input()
    {
        using var encoder = LoadEncoder();
        var (planar, _) = Photo();
        var reference = RunOnnx(ResNet18OnnxInit.DefaultPath()!, "", NetworkInput(planar));
        var ours = Encode(encoder, planar);
        Assert.Equal(512, reference.Length);
        double error = MaxRelativeError(reference, ours);
        Assert.True(error < 1e-4, $"max |Δ| / max |ref| = {error:E2} (tolerance 1e-4)");
    }

    [Fact]
    public void Encoder_matches_the_packaged_preprocessing_and_graph_within_the_mean_image_difference()
    {
        using var encoder = LoadEncoder();
        var (planar, _) = Photo();
        var model = ResNet18OnnxInit.DefaultPath()!;
        var prep = ResNet18OnnxInit.PreprocessPath();
        Assert.True(prep is not null, "ResNetPreprocess.onnx is missing beside the model.");
        // The package subtracts a 224² mean image (RGB 0–255 in); the encoder subtracts its per-channel average.
        var rgb255 = planar.Select(v => v * 255f).ToArray();
        var preprocessed = RunOnnx(prep!, "", rgb255);
        var reference = RunOnnx(model, "", preprocessed);
        var ours = Encode(encoder, planar);
        double error = MaxRelativeError(reference, ours);
        double cosine = reference.Zip(ours, (a, b) => (double)a * b).Sum()
            / Math.Sqrt(reference.Sum(a => (double)a * a) * ours.Sum(b => (double)b * b));
        Assert.True(cosine > 0.995, $"cosine similarity {cosine:F5} (tolerance > 0.995); max relative error {error:E2}");
        Assert.True(error < 0.1, $"max |Δ| / max |ref| = {error:E2} (tolerance 0.1)");
    }
}
