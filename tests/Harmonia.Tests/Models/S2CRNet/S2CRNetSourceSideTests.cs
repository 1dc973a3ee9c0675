using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;

namespace Harmonia.Tests.Models.S2CRNet;

/// <summary>
/// <see cref="S2CRNetConfig.SourceSide"/>: a larger image is reduced to the training photos' short side before the
/// thumbnails, the value travels with the weights, and an image at or below it is untouched.
/// </summary>
public sealed class S2CRNetSourceSideTests
{
    static S2CRNetSourceSideTests() => TorchRuntime.EnsureAvailable();

    [Fact]
    public void A_larger_image_is_reduced_to_the_source_side_with_its_aspect_and_a_smaller_one_is_left_alone()
    {
        var image = TestImages.Gradient(600, 400, seed: 3);
        var mask = TestImages.Ellipse(600, 400);
        var (reduced, reducedMask) = S2CRNetInputs.AtSourceSide(image, mask, 256);
        Assert.Equal((384, 256), (reduced.Width, reduced.Height));
        Assert.Equal((384, 256), (reducedMask.Width, reducedMask.Height));
        Assert.Equal(mask.Threshold, reducedMask.Threshold);
        // A plain box/resize reduction: the mean colour stays within a level of the original's.
        Assert.InRange(reduced.Pixels.Average(b => (double)b) - image.Pixels.Average(b => (double)b), -1.0, 1.0);

        var small = TestImages.Gradient(300, 256, seed: 3);
        var smallMask = TestImages.Ellipse(300, 256);
        var (same, sameMask) = S2CRNetInputs.AtSourceSide(small, smallMask, 256);
        Assert.Same(small, same);
        Assert.Same(smallMask, sameMask);
        Assert.Same(image, S2CRNetInputs.AtSourceSide(image, mask, 0).Composite);
    }

    [Fact]
    public void The_curves_of_a_large_image_are_those_of_its_copy_reduced_to_the_source_side()
    {
        torch.manual_seed(11);
        // The colour-statistics encoder: its features (means, spreads, histograms) show what resolution a thumbnail came from.
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Levels: 16, InputSize: 32, Backbone: S2CRNetBackbone.None) { SourceSide = 64 });
        RandomizeHeads(model);
        // Pixel noise, so the resolution the thumbnails are made from changes them (a smooth gradient barely would).
        var random = new Random(5);
        var image = new RgbImage(320, 192);
        random.NextBytes(image.Pixels);
        var mask = TestImages.Ellipse(320, 192);
        using var harmonizer = new S2CRNetHarmonizer(model);
        var large = harmonizer.PredictCurves(image, mask).Parameters.ToArray();
        var (reduced, reducedMask) = S2CRNetInputs.AtSourceSide(image, mask, 64);
        Assert.Equal((107, 64), (reduced.Width, reduced.Height));
        var fromReduced = harmonizer.PredictCurves(reduced, reducedMask).Parameters.ToArray();
        Assert.Equal(fromReduced, large);

        // Without the source side the same network reads the full-size image and predicts other curves.
        using var plain = new S2CRNetModel(model.Config with { SourceSide = 0 });
        plain.load_state_dict(model.state_dict());
        using var plainHarmonizer = new S2CRNetHarmonizer(plain);
        var full = plainHarmonizer.PredictCurves(image, mask).Parameters.ToArray();
        var change = full.Zip(large).Max(t => Math.Abs(t.First - t.Second));
        Assert.True(change > 1e-4f, $"the reduction made no difference to the curves (max {change:E2}; range {large.Min():E2}..{large.Max():E2})");
    }

    [Fact]
    public void The_source_side_travels_in_the_weights_metadata_and_the_setting_overrides_it()
    {
        using var folder = new TempFolder();
        torch.manual_seed(4);
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Levels: 16, InputSize: 32) { SourceSide = 256 });
        var metadata = S2CRNetWeights.Metadata(model.Config);
        Assert.Equal("256", metadata["source_side"]);
        Assert.False(S2CRNetWeights.Metadata(model.Config with { SourceSide = 0 }).ContainsKey("source_side"));
        var path = Path.Combine(folder.Path, "w.safetensors");
        StateDictIO.Save(model, path, metadata);
        using (var back = S2CRNetWeights.Load(path)) Assert.Equal(256, back.Config.SourceSide);
        using (var overridden = S2CRNetWeights.Load(path, c => c with { SourceSide = 0 })) Assert.Equal(0, overridden.Config.SourceSide);

        var bad = Path.Combine(folder.Path, "bad.safetensors");
        StateDictIO.Save(model, bad, new Dictionary<string, string>(metadata) { ["source_side"] = "-3" });
        var error = Assert.Throws<HarmoniaException>(() => S2CRNetWeights.Load(bad).Dispose());
        Assert.Contains("source_side", error.Message);
    }

    /// <summary>Random head weights, so the curves depend on the inputs (fresh heads start at the identity).</summary>
    static void RandomizeHeads(S2CRNetModel model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
            if (name.StartsWith("fusion.", StringComparison.Ordinal)) parameter.copy_(torch.randn_like(parameter) * 0.5);
    }
}
