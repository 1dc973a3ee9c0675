using Harmonia.Core.Imaging;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Golden;

/// <summary>
/// The official PHNet code's outputs (../shared/golden/phnet: quarter width, 256², random conditioned weights) are
/// reproduced from its <c>torch.save(model.state_dict())</c> file, loaded directly. Tolerances are the README's:
/// 2e-5 on <c>model_output</c> and <c>harmonized</c>.
/// </summary>
public class PHNetGoldenTests(ITestOutputHelper output)
{
    static PHNetGoldenTests() => TorchRuntime.EnsureAvailable();

    [SkippableFact]
    public void Official_state_dict_reproduces_the_official_outputs()
    {
        var golden = SharedData.RequireGolden("phnet");
        using var scope = NewDisposeScope();
        var tensors = WeightsFile.Read(Path.Combine(golden, "official-state-dict.pth"), out var metadata);
        Assert.Empty(metadata);
        var config = PHNetOfficialConfig.FromShapes(tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        Assert.Equal([3, 4, 8, 16, 32, 64, 128], config.EncoderChannels);   // test_iHarmony4 widths / 4
        Assert.Equal([10, 5, 1], config.NormalizerGrids);
        Assert.Equal(8, config.SeReduction);
        using var model = new PHNetModel(config);
        StateDictIO.Load(model, tensors, strict: true);
        foreach (var t in tensors.Values) t.Dispose();
        model.eval();

        var inputs = SafeTensors.Read(Path.Combine(golden, "inputs.safetensors"));
        var expected = SafeTensors.Read(Path.Combine(golden, "outputs.safetensors"));
        using var noGrad = no_grad();
        var composite = inputs["composite"].unsqueeze(0);
        var mask = inputs["mask"].unsqueeze(0);
        GoldenAssert.Close(expected["model_output"], model.forward(composite, mask), 2e-5, "model_output", output);
        GoldenAssert.Close(expected["harmonized"], model.Harmonize(composite, mask), 2e-5, "harmonized", output);
        foreach (var t in inputs.Values.Concat(expected.Values)) t.Dispose();
    }

    /// <summary>
    /// The real CLI loads the .pth as <c>--model</c> of <c>-m phnet</c>. With <c>transfer=direct</c> (the official
    /// inference path) it reproduces the official <c>predict_output.png</c> within the README's ±1 level; the default
    /// affine transfer only approximates this random network's output with colour models.
    /// </summary>
    [SkippableFact]
    public void Cli_runs_phnet_from_the_official_pth_and_matches_the_official_prediction()
    {
        var golden = SharedData.RequireGolden("phnet");
        using var folder = new TempFolder();
        CliResult Run(string transfer, string output) => CliProcess.Run("harmonize", Path.Combine(golden, "composite.png"), Path.Combine(golden, "mask.png"),
            "-o", folder.File(output), "-m", "phnet", "--model", Path.Combine(golden, "official-state-dict.pth"), "--set", "size=256", "--set", "transfer=" + transfer);
        var direct = Run("direct", "direct.png");
        Assert.True(direct.ExitCode == 0, direct.StdErr);
        var affine = Run("affine", "affine.png");
        Assert.True(affine.ExitCode == 0, affine.StdErr);
        var official = ImageCodec.Read(Path.Combine(golden, "predict_output.png"));
        var composite = ImageCodec.Read(Path.Combine(golden, "composite.png"));
        var directImage = ImageCodec.Read(folder.File("direct.png"));
        int worst = 0;
        for (int i = 0; i < official.Pixels.Length; i++) worst = Math.Max(worst, Math.Abs(directImage.Pixels[i] - official.Pixels[i]));
        double affineToOfficial = MeanAbsoluteDifference(ImageCodec.Read(folder.File("affine.png")), official);
        double compositeToOfficial = MeanAbsoluteDifference(composite, official);
        output.WriteLine($"direct: max |harmonia - official predict| = {worst} levels; affine: mean {affineToOfficial:F2} levels (composite: {compositeToOfficial:F2})");
        Assert.True(worst <= 1, $"direct transfer differs from predict_output.png by {worst} levels");
        Assert.True(affineToOfficial < 0.5 * compositeToOfficial, $"affine {affineToOfficial:F2} vs composite {compositeToOfficial:F2}");
    }

    static double MeanAbsoluteDifference(RgbImage a, RgbImage b)
    {
        double sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++) sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return sum / a.Pixels.Length;
    }
}
