using Harmonia.Core.Imaging;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Golden;

/// <summary>
/// The official S²CRNet code's outputs (../shared/golden/s2crnet, random weights, made by the official code) are
/// reproduced from the official-format PyTorch files, loaded directly, with and without a label. Tolerances are
/// the README's: 1e-5 on parameters, stages and LUTs, 1e-4 on the backbone output.
/// </summary>
public class S2CRNetGoldenTests(ITestOutputHelper output)
{
    static S2CRNetGoldenTests() => TorchRuntime.EnsureAvailable();

    public static TheoryData<string> WeightFiles => new() { "official-state-dict.pth", "official-checkpoint.pth.tar" };

    [SkippableTheory]
    [MemberData(nameof(WeightFiles))]
    public void Official_file_reproduces_the_official_outputs_with_and_without_a_label(string file)
    {
        var golden = SharedData.RequireGolden("s2crnet");
        using var scope = NewDisposeScope();
        using var model = S2CRNetWeights.Load(Path.Combine(golden, file));
        Assert.Equal(2, model.Config.Stages);
        Assert.Equal(64, model.Config.Levels);
        Assert.Equal(CurveActivation.Identity, model.Config.Activation);
        Assert.Equal(LabelUse.Optional, model.Config.Labels);   // both heads present: label optional
        model.eval();

        var inputs = SafeTensors.Read(Path.Combine(golden, "inputs.safetensors"));
        var withLabel = SafeTensors.Read(Path.Combine(golden, "outputs.safetensors"));
        var noLabel = SafeTensors.Read(Path.Combine(golden, "outputs-nolabel.safetensors"));
        using var noGrad = no_grad();
        var feeded = inputs["feeded"];
        var fore = inputs["fore"];
        var fg = fore.narrow(1, 0, 3) * fore.narrow(1, 3, 1);
        var bg = feeded.narrow(1, 0, 3) * (1 - feeded.narrow(1, 3, 1));
        var backbone = model.SqueezeNet!.forward(cat([fg, bg], 0));
        AssertClose(withLabel["backbone_out"], backbone, 1e-4, "backbone_out");
        var (f, b) = model.Encode(fg, bg);
        AssertClose(withLabel["f_feature"], f, 1e-5, "f_feature");
        AssertClose(withLabel["b_feature"], b, 1e-5, "b_feature");

        var composite = inputs["composite"].unsqueeze(0);
        var mask = inputs["mask"].unsqueeze(0);
        foreach (var (expected, label) in new[] { (withLabel, S2CRNetInputs.OneHot(torch.tensor(new long[] { 0 }))), (noLabel, (Tensor?)null) })
        {
            string mode = label is null ? "no label" : "label person";
            var p = model.CurveParameters(f, b, label);                     // (1, 2, 3, 64)
            AssertClose(expected["param1"], p.select(1, 0).reshape(1, 192), 1e-5, $"param1 ({mode})");
            AssertClose(expected["param2"], p.select(1, 1).reshape(1, 192), 1e-5, $"param2 ({mode})");
            var stage1 = CurveRendering.Render(composite, p.select(1, 0));
            var stage2 = CurveRendering.Render(stage1, p.select(1, 1));
            AssertClose(expected["stage2_full"], stage2, 1e-5, $"stage2_full ({mode})");
            AssertClose(expected["harmonized_full"], stage2 * mask + composite * (1 - mask), 1e-5, $"harmonized_full ({mode})");
            var levels = torch.arange(256, dtype: ScalarType.Float32).div(255).view(1, 1, 1, 256).expand(1, 3, 1, 256);
            var lut1 = CurveRendering.Render(levels, p.select(1, 0));
            AssertClose(expected["curve1_lut256"], lut1.view(3, 256), 1e-5, $"curve1_lut256 ({mode})");
            AssertClose(expected["curve12_lut256"], CurveRendering.Render(lut1, p.select(1, 1)).view(3, 256), 1e-5, $"curve12_lut256 ({mode})");
        }
        // The label matters: without it the parameters differ (the bug was that a label was silently not used).
        Assert.True((withLabel["param1"] - noLabel["param1"]).abs().max().item<float>() > 0.05f);
        foreach (var d in new[] { inputs, withLabel, noLabel })
            foreach (var t in d.Values) t.Dispose();
    }

    /// <summary>The real CLI on the golden PNGs: --label person follows the label outputs, no label the no-label ones.</summary>
    [SkippableFact]
    public void Cli_harmonizes_the_golden_pngs_like_the_official_code_with_and_without_label()
    {
        var golden = SharedData.RequireGolden("s2crnet");
        using var folder = new TempFolder();
        var checkpoint = Path.Combine(golden, "official-checkpoint.pth.tar");
        var withLabel = CliProcess.Run("harmonize", Path.Combine(golden, "composite.png"), Path.Combine(golden, "mask.png"),
            "-o", folder.File("label.png"), "-m", "s2crnet", "--model", checkpoint, "--label", "person");
        Assert.True(withLabel.ExitCode == 0, withLabel.StdErr);
        Assert.Equal("", withLabel.StdErr);
        var noLabel = CliProcess.Run("harmonize", Path.Combine(golden, "composite.png"), Path.Combine(golden, "mask.png"),
            "-o", folder.File("nolabel.png"), "-m", "s2crnet", "--set", "model=" + checkpoint);
        Assert.True(noLabel.ExitCode == 0, noLabel.StdErr);

        var label = SafeTensors.Read(Path.Combine(golden, "outputs.safetensors"));
        var plain = SafeTensors.Read(Path.Combine(golden, "outputs-nolabel.safetensors"));
        // Harmonia's thumbnails are its own (not PIL's), so the curves differ slightly; the 8-bit outputs stay within
        // one level of the official float results (measured 0.51), and each is closer to its own mode than to the other.
        var a = ImageCodec.Read(folder.File("label.png"));
        var b = ImageCodec.Read(folder.File("nolabel.png"));
        double aToLabel = MaxLevelDifference(a, label["harmonized_full"]), aToPlain = MaxLevelDifference(a, plain["harmonized_full"]);
        double bToLabel = MaxLevelDifference(b, label["harmonized_full"]), bToPlain = MaxLevelDifference(b, plain["harmonized_full"]);
        output.WriteLine($"8-bit max level difference: label run {aToLabel:F2} (vs no-label output {aToPlain:F2}), no-label run {bToPlain:F2} (vs label output {bToLabel:F2})");
        Assert.True(aToLabel <= 1 && bToPlain <= 1, $"label run {aToLabel:F2} levels from the official label output, no-label run {bToPlain:F2} from the no-label output");
        Assert.True(aToPlain > 10 && bToLabel > 10, $"label run vs no-label output {aToPlain:F2}, no-label run vs label output {bToLabel:F2}");
        foreach (var t in label.Values.Concat(plain.Values)) t.Dispose();
    }

    /// <summary>Largest |8-bit image − 255·reference| over all pixels; reference (1, 3, H, W) in [0, 1].</summary>
    internal static double MaxLevelDifference(RgbImage image, Tensor reference)
    {
        var r = reference.squeeze(0).permute(1, 2, 0).contiguous().data<float>().ToArray();
        double worst = 0;
        for (int i = 0; i < r.Length; i++) worst = Math.Max(worst, Math.Abs(image.Pixels[i] - 255.0 * r[i]));
        return worst;
    }

    void AssertClose(Tensor expected, Tensor actual, double tolerance, string what) => GoldenAssert.Close(expected, actual, tolerance, what, output);
}

/// <summary>Comparisons against golden tensors that log the measured difference.</summary>
internal static class GoldenAssert
{
    /// <summary>Asserts equal shapes and max |expected − actual| ≤ tolerance; writes the difference to the test output.</summary>
    public static void Close(Tensor expected, Tensor actual, double tolerance, string what, ITestOutputHelper output)
    {
        Assert.Equal(expected.shape, actual.shape);
        double diff = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{what}: max |diff| {diff:E2} (tolerance {tolerance:E0})");
        Assert.True(diff <= tolerance, $"{what}: max |diff| {diff:E2} > {tolerance:E0}");
    }
}
