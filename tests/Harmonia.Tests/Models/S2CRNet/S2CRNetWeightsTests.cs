using Harmonia.Core.Methods;
using Harmonia.Core.Imaging;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.S2CRNet;

public class S2CRNetWeightsTests
{
    static S2CRNetWeightsTests() => TorchRuntime.EnsureAvailable();

    [Fact]
    public void Official_names_in_a_hand_made_safetensors_file_land_in_the_right_parameters()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        // Start from a full state dict with the official names (an official export has every tensor), then mark a few.
        using var donor = new S2CRNetModel(new S2CRNetConfig(Stages: 3, Activation: CurveActivation.Identity));
        var tensors = donor.state_dict().ToDictionary(kv => "module." + kv.Key, kv => kv.Value.clone());
        tensors["module.squeezenet1_1.0.bias"] = torch.arange(64, dtype: ScalarType.Float32);
        tensors["module.squeezenet1_1.3.expand3x3.weight"] = torch.full(64, 16, 3, 3, 0.25f);
        tensors["module.fusion.cr3.fc_b_1.fc1.bias"] = torch.full(192, -2f);
        tensors["module.fusion.cr2.fc_label_2.weight"] = torch.full(64, 32, 0.5f);
        var path = Path.Combine(folder.Path, "official.safetensors");
        SafeTensors.Write(path, tensors); // no metadata, DataParallel 'module.' prefix: as a converted .pth

        using var model = S2CRNetWeights.Load(path);
        Assert.Equal(3, model.Config.Stages);                       // read from the fusion.crN names
        Assert.Equal(CurveActivation.Identity, model.Config.Activation); // official raw p
        var state = model.state_dict();
        Assert.Equal(37f, state["squeezenet1_1.0.bias"][37].item<float>());
        Assert.Equal(0.25f, state["squeezenet1_1.3.expand3x3.weight"][5, 7, 1, 2].item<float>());
        Assert.Equal(-2f, state["fusion.cr3.fc_b_1.fc1.bias"][100].item<float>());
        Assert.Equal(0.5f, state["fusion.cr2.fc_label_2.weight"][3, 4].item<float>());
        Assert.True(torch.allclose(state["fusion.cr1.fc_f_1.fc1.weight"], donor.state_dict()["fusion.cr1.fc_f_1.fc1.weight"], 0, 0));
    }

    [Fact]
    public void Saved_weights_round_trip_with_their_configuration()
    {
        using var folder = new TempFolder();
        torch.manual_seed(4);
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Levels: 32, Semantic: true, InputSize: 64));
        var path = Path.Combine(folder.Path, "w.safetensors");
        StateDictIO.Save(model, path, S2CRNetWeights.Metadata(model.Config));
        using var back = S2CRNetWeights.Load(path);
        Assert.Equal(model.Config, back.Config);
        using var harmonizerA = new S2CRNetHarmonizer(model, Harmonia.Core.Datasets.SemanticClass.Animal);
        var image = TestImages.Gradient(50, 40);
        var mask = TestImages.Ellipse(50, 40);
        var a = harmonizerA.PredictCurves(image, mask);
        using var harmonizerB = new S2CRNetHarmonizer(back, Harmonia.Core.Datasets.SemanticClass.Animal);
        var b = harmonizerB.PredictCurves(image, mask);
        Assert.Equal(a.Parameters, b.Parameters);
    }

    [Fact]
    public void ResNet18_weights_hold_the_heads_only_and_reload_with_the_packaged_encoder()
    {
        using var folder = new TempFolder();
        torch.manual_seed(5);
        var config = new S2CRNetConfig(Levels: 16, InputSize: 64, Backbone: S2CRNetBackbone.ResNet18, Pyramid: true, Hidden: 32, ColorStats: true);
        using var model = new S2CRNetModel(config);
        Harmonia.Models.Backbones.ResNet18OnnxInit.Load(model.ResNet!, Harmonia.Models.Backbones.ResNet18OnnxInit.DefaultPath()!);
        var path = Path.Combine(folder.Path, "heads.safetensors");
        SafeTensors.Write(path, S2CRNetWeights.Tensors(model, includeEncoder: false), S2CRNetWeights.Metadata(config));
        // The heads of a 2-stage, 16-level, hidden-32 model over 960 + 30 features: far smaller than the encoder.
        Assert.True(new FileInfo(path).Length < 1_000_000, $"{new FileInfo(path).Length} bytes");
        using var back = S2CRNetWeights.Load(path);
        Assert.Equal(config, back.Config);
        var image = TestImages.Gradient(70, 50);
        var mask = TestImages.Ellipse(70, 50);
        using var a = new S2CRNetHarmonizer(model);
        using var b = new S2CRNetHarmonizer(back);
        var pa = a.PredictCurves(image, mask).Parameters;
        var pb = b.PredictCurves(image, mask).Parameters;
        for (int i = 0; i < pa.Length; i++) Assert.Equal(pa[i], pb[i], 4);
    }

    [SkippableFact]
    public void Onnx_backbone_init_folds_the_caffe_input_convention_into_conv1()
    {
        var onnx = Path.Combine(SharedData.RepoRoot, "..", "shared", "pretrained", "squeezenet1.1-trunk-snacks.onnx");
        if (!File.Exists(onnx)) onnx = "/work/shared/pretrained/squeezenet1.1-trunk-snacks.onnx";
        Skip.IfNot(File.Exists(onnx), "squeezenet1.1-trunk-snacks.onnx not available");
        using var scope = NewDisposeScope();
        var raw = OnnxModelReader.ReadInitializers(File.ReadAllBytes(onnx));
        var trunk = SqueezeNetTrunk.Create();
        SqueezeNetOnnxInit.Load(trunk, onnx);
        // Caffe path: BGR 0-255 minus mean through the raw conv1; ours: RGB [0, 1] through the folded conv1.
        torch.manual_seed(9);
        var x = torch.rand(1, 3, 9, 9);
        var bgr = x.flip(1) * 255 - torch.tensor(new float[] { 104, 117, 123 }).view(1, 3, 1, 1);
        var w = torch.tensor(raw["convolution_W"].Data).view(64, 3, 3, 3);
        var b = torch.tensor(raw["convolution_B"].Data);
        var expected = nn.functional.conv2d(bgr, w, b, strides: [2, 2]);
        var conv1 = (TorchSharp.Modules.Conv2d)trunk.named_children().First(c => c.name == "0").module;
        var actual = conv1.forward(x);
        Assert.True(torch.allclose(actual, expected, rtol: 1e-4, atol: 1e-2), $"max diff {(actual - expected).abs().max().item<float>()}");
        // A later layer is copied verbatim: fire8 (index 11) expand3x3 = convolution21.
        var state = trunk.state_dict();
        Assert.Equal(raw["convolution21_W"].Data[123], state["11.expand3x3.weight"].flatten()[123].item<float>());
        Assert.Equal(raw["convolution19_B"].Data[5], state["11.squeeze.bias"][5].item<float>());
        // The trunk maps a 256² input to 512 x 15 x 15.
        Assert.Equal(new long[] { 1, 512, 15, 15 }, trunk.forward(torch.rand(1, 3, 256, 256)).shape);
    }
}

public class S2CRNetShippedModelTests
{
    [SkippableFact]
    public void Embedded_default_weights_harmonize_and_keep_the_background()
    {
        Skip.IfNot(S2CRNetWeights.HasEmbedded, "no models/s2crnet-c.safetensors at build time");
        TorchRuntime.EnsureAvailable();
        var registry = Harmonia.Models.MethodCatalog.CreateDefault();
        // cascade (s2crnet, then phnet) is the default whenever phnet's shipped file is beside the binaries; s2crnet
        // (embedded) is the fallback.
        Assert.Equal(File.Exists(Harmonia.Models.PHNet.PHNetMethod.DefaultModelPath) ? "cascade" : "s2crnet", Harmonia.Models.MethodCatalog.DefaultMethod);
        var method = registry.Create("s2crnet");
        var image = TestImages.Gradient(64, 48, seed: 6);
        var mask = TestImages.Ellipse(64, 48);
        var result = method.Harmonize(image, mask);
        ImageAssert.BackgroundUnchanged(image, result, mask);
        (method as IDisposable)?.Dispose();
    }
}
