using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;
using Harmonia.Models;
using Harmonia.Models.PIH;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Harmonia.Tests.Models.PIH;

public class PIHTests(ITestOutputHelper output)
{
    static PIHTests() => TorchRuntime.EnsureAvailable();

    static readonly PIHConfig Small = new(InputSize: 32, GainSize: 16, GainChannels: 4, Hidden: 16);

    [Fact]
    public void Torch_curve_equals_the_official_grid_sample_and_the_core_formula()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        const int k = 32;
        var nodes = torch.rand(2, 3, k);
        var x = torch.rand(2, 3, 4, 5) * 1.2 - 0.1; // beyond [0, 1] too: the ends are flat
        var y = PIHCurves.Apply(x, nodes);
        // The official code reads the table with grid_sample(align_corners=False, padding_mode=border): one row of K texels.
        var table = nodes.reshape(6, 1, 1, k);
        var grid = torch.stack([x.reshape(6, 1, 20) * 2 - 1, torch.zeros(6, 1, 20)], 3);
        var official = nn.functional.grid_sample(table, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Border, align_corners: false).reshape(2, 3, 4, 5);
        Assert.True(y.allclose(official, 1e-5, 1e-5), $"max difference {(y - official).abs().max().item<float>()}");
        var na = nodes.data<float>().ToArray();
        var xa = x.data<float>().ToArray();
        var ya = y.data<float>().ToArray();
        for (int i = 0; i < ya.Length; i++)
        {
            int curve = i / 20;
            Assert.Equal(PIHCurves.Evaluate(na.AsSpan(curve * k, k), xa[i]), ya[i], 5);
        }
    }

    [Fact]
    public void Identity_curves_and_unit_gain_return_the_composite_exactly()
    {
        var composite = TestImages.Gradient(37, 23, seed: 5);
        var mask = TestImages.Ellipse(37, 23);
        var identityNodes = Enumerable.Range(0, 96).Select(i => (i % 32 + 0.5f) / 32f).ToArray();
        var parameters = new PIHParameters(PIHCurves.Table(identityNodes), Enumerable.Repeat(1f, 7 * 5).ToArray(), 7, 5);
        Assert.Equal(composite.Pixels, parameters.Render(composite, mask).Pixels);
        Assert.Equal(composite.Pixels, PIHParameters.Identity().Render(composite, mask).Pixels);
    }

    [Fact]
    public void Shading_zero_renders_the_curves_alone_and_shading_changes_the_foreground()
    {
        var composite = TestImages.Gradient(41, 29, seed: 6);
        var mask = TestImages.Ellipse(41, 29);
        var (curves, gain) = RandomParameters(7);
        var parameters = new PIHParameters(curves, gain, 8, 8);
        var curvesAlone = curves.Render(composite, mask);
        Assert.Equal(curvesAlone.Pixels, parameters.WithStrengths(1, 0).Render(composite, mask).Pixels);
        var shaded = parameters.Render(composite, mask);
        Assert.NotEqual(curvesAlone.Pixels, shaded.Pixels);
        ImageAssert.BackgroundUnchanged(composite, shaded, mask);
        // color = 0 with shading = 0 is the composite; strength 0.5 of the map halves both.
        Assert.Equal(composite.Pixels, parameters.WithStrengths(0, 0).Render(composite, mask).Pixels);
        var half = parameters.Render(composite, mask, 0.5f);
        ImageAssert.Close(parameters.WithStrengths(0.5f, 0.5f).Render(composite, mask), half, 1);
    }

    [Fact]
    public void Gain_map_render_matches_torch_bicubic_upsampling_within_one_level()
    {
        using var scope = NewDisposeScope();
        var (_, gain) = RandomParameters(8);
        const int w = 53, h = 31;
        var flat = new RgbImage(w, h);
        Array.Fill(flat.Pixels, (byte)200);
        var all = Mask.Filled(w, h, 1f);
        var rendered = ForegroundRenderer.Render(flat, all, new LutGainMap(ChannelLut.Identity(), gain, 8, 8));
        var up = PIHModel.UpsampleGain(torch.tensor(gain, new long[] { 1, 1, 8, 8 }), h, w).data<float>().ToArray();
        for (int i = 0; i < w * h; i++)
            Assert.InRange(rendered.Pixels[3 * i] - 200f * up[i], -0.51f, 0.51f);
    }

    [Fact]
    public void Shading_map_corrects_a_lighting_gradient_that_curves_alone_cannot()
    {
        // Real foreground in [30, 120]; the composite's foreground is lit from the left: ×1 at its left edge, ×0.6 at its right.
        static (RgbImage Real, RgbImage Composite, Mask Mask) Scene(int size)
        {
            var real = TestImages.Gradient(size, size, seed: 9);
            var mask = TestImages.Ellipse(size, size);
            var composite = real.Clone();
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int i = y * size + x;
                    if (mask.Alpha[i] == 0f) continue;
                    double light = 1 - 0.4 * x / (size - 1.0);
                    for (int c = 0; c < 3; c++)
                    {
                        int v = 30 + real.Pixels[3 * i + c] * 90 / 255;
                        real.Pixels[3 * i + c] = (byte)v;
                        composite.Pixels[3 * i + c] = (byte)Math.Round(v * light);
                    }
                }
            return (real, composite, mask);
        }
        var (real, composite, mask) = Scene(64);
        var joint = QuickFit(composite, real, mask, withGain: true);
        var curvesOnly = QuickFit(composite, real, mask, withGain: false);
        // Rendered at a larger size than fitted: the parameters do not depend on the resolution.
        var (realLarge, compositeLarge, maskLarge) = Scene(160);
        double withShading = ImageAssert.ForegroundMse(joint.Render(compositeLarge, maskLarge), realLarge, maskLarge);
        double shadingZero = ImageAssert.ForegroundMse(joint.WithStrengths(1, 0).Render(compositeLarge, maskLarge), realLarge, maskLarge);
        double bestCurves = ImageAssert.ForegroundMse(curvesOnly.Render(compositeLarge, maskLarge), realLarge, maskLarge);
        double before = ImageAssert.ForegroundMse(compositeLarge, realLarge, maskLarge);
        output.WriteLine($"fMSE at 160 px: composite {before:F1}, curves alone fitted {bestCurves:F1}, joint fit shading=0 {shadingZero:F1}, joint fit with shading {withShading:F1}");
        Assert.True(withShading < 0.5 * shadingZero, $"fMSE with shading {withShading:F1}, shading=0 {shadingZero:F1}");
        Assert.True(withShading < 0.5 * bestCurves, $"fMSE with shading {withShading:F1}, best curves alone {bestCurves:F1} (composite {before:F1})");
    }

    /// <summary>Fits curve nodes (and an 8×8 gain grid) to one image by Adam through the training-time render.</summary>
    static PIHParameters QuickFit(RgbImage composite, RgbImage real, Mask mask, bool withGain)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        Tensor ToTensor(RgbImage image) =>
            torch.tensor(image.Pixels.Select(b => b / 255f).ToArray(), new long[] { 1, image.Height, image.Width, 3 }).permute(0, 3, 1, 2).contiguous();
        var c = ToTensor(composite);
        var r = ToTensor(real);
        var m = torch.tensor(mask.Alpha.Select(a => a >= 0.5f ? 1f : 0f).ToArray(), new long[] { 1, 1, mask.Height, mask.Width });
        var nodeLogits = new TorchSharp.Modules.Parameter(torch.tensor(Enumerable.Range(0, 96).Select(i => { double y = (i % 32 + 0.5) / 32; return (float)Math.Log(y / (1 - y)); }).ToArray(), new long[] { 1, 3, 32 }));
        var gainLogits = new TorchSharp.Modules.Parameter(torch.full(new long[] { 1, 1, 8, 8 }, 3f));
        using var optimizer = torch.optim.Adam(withGain ? [nodeLogits, gainLogits] : [nodeLogits], 0.05);
        Tensor Gain() => withGain ? gainLogits.sigmoid() * 0.5 + 0.5 : torch.ones(1, 1, 8, 8);
        for (int step = 0; step < 300; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            var prediction = PIHCurves.Apply(c, nodeLogits.sigmoid()) * PIHModel.UpsampleGain(Gain(), c.shape[2], c.shape[3]);
            var loss = ((prediction - r).pow(2) * m).sum() / m.sum();
            loss.backward();
            optimizer.step();
        }
        var nodes = nodeLogits.sigmoid().detach().data<float>().ToArray();
        return new PIHParameters(PIHCurves.Table(nodes), Gain().detach().data<float>().ToArray(), 8, 8, nodes: nodes);
    }

    [Theory]
    [InlineData(33, 71)]
    [InlineData(129, 17)]
    [InlineData(1, 2)]
    public void Harmonizer_keeps_the_background_bit_identical_at_any_size(int w, int h)
    {
        torch.manual_seed(4);
        using var harmonizer = new PIHHarmonizer(new PIHModel(Small));
        var composite = TestImages.Gradient(w, h, seed: 2);
        var mask = w * h < 4 ? new Mask(w, h, [1f, 0f]) : TestImages.Ellipse(w, h);
        var output = harmonizer.Harmonize(composite, mask);
        ImageAssert.BackgroundUnchanged(composite, output, mask);
        var p = harmonizer.LastParameters!;
        Assert.Equal(16 * 16, p.Gain.Length);
        Assert.All(p.Gain.ToArray(), g => Assert.InRange(g, 0.5f, 1f));
        // Rendering the predicted parameters again gives the same bytes: the map is the prediction.
        Assert.Equal(output.Pixels, p.Render(composite, mask).Pixels);
    }

    [Fact]
    public void Harmonizer_with_shading_zero_equals_its_curves_alone()
    {
        torch.manual_seed(5);
        var model = new PIHModel(Small);
        using var harmonizer = new PIHHarmonizer(model, new PIHControls(Shading: 0));
        var composite = TestImages.Gradient(45, 38, seed: 3);
        var mask = TestImages.Ellipse(45, 38);
        var output = harmonizer.Harmonize(composite, mask);
        Assert.Equal(harmonizer.LastParameters!.Curves.Render(composite, mask).Pixels, output.Pixels);
    }

    [Fact]
    public void Edited_curves_and_shading_files_are_honoured_without_a_network()
    {
        using var folder = new TempFolder();
        // An inverting curve (node k at 1 − (k + 0.5)/32) in PIH's JSON, and a unit shading map.
        var inverted = Enumerable.Range(0, 96).Select(i => 1f - (i % 32 + 0.5f) / 32f).ToArray();
        var curvesPath = System.IO.Path.Combine(folder.Path, "curves.json");
        File.WriteAllText(curvesPath, PIHCurves.ToJson(inverted));
        var shadingPath = System.IO.Path.Combine(folder.Path, "shading.png");
        File.WriteAllBytes(shadingPath, PIHParameters.Identity().GainPng());
        var settings = MethodSettings.Parse([$"curves={curvesPath}", $"shading-map={shadingPath}", "model=/nonexistent/pih.safetensors"]);
        var method = MethodCatalog.CreateDefault().Create(PIHMethod.Name, settings);
        var composite = TestImages.Gradient(30, 20, seed: 8);
        var mask = TestImages.Ellipse(30, 20);
        var output = method.Harmonize(composite, mask);
        var table = PIHCurves.Table(inverted).ToLut();
        for (int i = 0; i < mask.Alpha.Length; i++)
        {
            if (mask.Alpha[i] < 1f) continue;
            for (int c = 0; c < 3; c++) Assert.Equal(table[c, composite.Pixels[3 * i + c]], output.Pixels[3 * i + c]);
            Assert.True(Math.Abs(output.Pixels[3 * i] - (255 - composite.Pixels[3 * i])) <= 5);
        }
        ImageAssert.BackgroundUnchanged(composite, output, mask);

        // An S²CRNet curves file is read as S²CRNet's cascade; a darker shading map darkens.
        var cascade = new CurveSet(1, 4, [1, 1, 1, 3, 1, 1, 1, 3, 1, 1, 1, 3]);
        File.WriteAllText(curvesPath, CurveJson.Serialize(cascade));
        File.WriteAllBytes(shadingPath, ImageCodec.EncodeMask(Mask.Filled(3, 3, 0.5f)));
        var dark = MethodCatalog.CreateDefault().Create(PIHMethod.Name, settings).Harmonize(composite, mask);
        var lut = cascade.ToLut();
        int inside = Array.FindIndex(mask.Alpha, a => a == 1f);
        Assert.InRange(dark.Pixels[3 * inside], lut[0, composite.Pixels[3 * inside]] * 128 / 255 - 1, lut[0, composite.Pixels[3 * inside]] * 128 / 255 + 1);
    }

    [Fact]
    public void Side_outputs_read_back_as_edits_render_the_same_image_within_one_level()
    {
        using var folder = new TempFolder();
        string curves = System.IO.Path.Combine(folder.Path, "c.json"), shading = System.IO.Path.Combine(folder.Path, "s.png");
        torch.manual_seed(9);
        var composite = TestImages.Gradient(61, 47, seed: 4);
        var mask = TestImages.Ellipse(61, 47);
        RgbImage predicted;
        using (var harmonizer = new PIHHarmonizer(new PIHModel(Small), new PIHControls(CurvesOut: curves, ShadingOut: shading)))
        {
            predicted = harmonizer.Harmonize(composite, mask);
            harmonizer.WriteSideOutputs();
        }
        // The curves JSON keeps the nodes exactly; the PNG keeps the gain to 1/255, so a byte may move by one level.
        var edited = MethodCatalog.CreateDefault().Create(PIHMethod.Name, MethodSettings.Parse([$"curves={curves}", $"shading={shading}"]));
        ImageAssert.Close(predicted, edited.Harmonize(composite, mask), 1);
        var noShading = MethodCatalog.CreateDefault().Create(PIHMethod.Name, MethodSettings.Parse([$"curves={curves}", $"shading-map={shading}", "shading=0"]));
        Assert.Equal(PIHCurves.FromJson(File.ReadAllText(curves)).Render(composite, mask).Pixels, noShading.Harmonize(composite, mask).Pixels);
    }

    [Fact]
    public void Bad_controls_are_one_clear_error()
    {
        var catalog = MethodCatalog.CreateDefault();
        var missing = Assert.Throws<Harmonia.Core.Errors.UsageException>(() => catalog.Create(PIHMethod.Name, MethodSettings.Parse(["curves=/nonexistent/c.json"])));
        Assert.Contains("does not exist", missing.Message);
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => catalog.Create(PIHMethod.Name, MethodSettings.Parse(["shading=3"])));
        using var folder = new TempFolder();
        var bad = System.IO.Path.Combine(folder.Path, "c.json");
        File.WriteAllText(bad, "{ not json");
        Assert.Throws<Harmonia.Core.Errors.HarmoniaException>(() => catalog.Create(PIHMethod.Name, MethodSettings.Parse([$"curves={bad}"])));
    }

    [Fact]
    public void Weights_round_trip_through_safetensors_with_the_config()
    {
        using var folder = new TempFolder();
        torch.manual_seed(6);
        using var model = new PIHModel(Small);
        var path = System.IO.Path.Combine(folder.Path, "pih.safetensors");
        Harmonia.Models.Weights.StateDictIO.Save(model, path, model.Config.Metadata());
        // Only the trained parts are saved: the frozen ImageNet encoder comes from its ONNX file.
        Assert.All(Harmonia.Models.Weights.StateDictIO.Named(model), kv => Assert.True(kv.Key.StartsWith("PL.", StringComparison.Ordinal) || kv.Key.StartsWith("gainnet.", StringComparison.Ordinal), kv.Key));
        using var loaded = PIHWeights.Load(path);
        Assert.Equal(Small, loaded.Config);
        var composite = TestImages.Gradient(40, 30, seed: 1);
        var mask = TestImages.Ellipse(40, 30);
        using var first = new PIHHarmonizer(PIHWeights.Load(path));
        using var second = new PIHHarmonizer(PIHWeights.Load(path));
        Assert.Equal(first.Harmonize(composite, mask).Pixels, second.Harmonize(composite, mask).Pixels);
    }

    static (CurveParameters Curves, float[] Gain) RandomParameters(int seed)
    {
        var random = new Random(seed);
        var nodes = Enumerable.Range(0, 96).Select(i => (float)Math.Clamp((i % 32 + 0.5) / 32 + (random.NextDouble() - 0.5) * 0.2, 0, 1)).ToArray();
        var gain = Enumerable.Range(0, 64).Select(_ => 0.5f + 0.5f * (float)random.NextDouble()).ToArray();
        return (PIHCurves.Table(nodes), gain);
    }
}
