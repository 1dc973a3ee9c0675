using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Models.CharmNet;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.CharmNet;

public class CharmNetModelTests
{
    static readonly CharmNetConfig Tiny = new(Width: 4, ClassifierWidth: 8);

    /// <summary>A tiny network whose real path paints the foreground a constant colour: blending attention ≈ 0, to_rgb = its bias.</summary>
    internal static CharmNetModel PaintingModel(float r, float g, float b)
    {
        TorchRuntime.EnsureAvailable();
        var model = new CharmNetModel(Tiny);
        using var noGrad = no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters["G.real_dec.conv_attention.weight"].zero_();
        parameters["G.real_dec.conv_attention.bias"].fill_(TorchScalars.Of(-10));
        parameters["G.real_dec.to_rgb.weight"].zero_();
        parameters["G.real_dec.to_rgb.bias"].copy_(tensor(new[] { r, g, b }));
        return model;
    }

    [Fact]
    public void State_dict_has_the_official_names_and_the_stages_have_the_official_shapes()
    {
        TorchRuntime.EnsureAvailable();
        using var model = new CharmNetModel(Tiny);
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var expected in new[]
        {
            "G.real_enc.block0.block.0.weight", "G.render_enc.block1.block.0.bias", "G.real_enc.blocks_connected.block2.block.1.running_mean",
            "G.render_enc.blocks_connected.block3.block.0.weight", "G.encoder_blocks.block4.block.0.weight", "G.encoder_blocks.block6.block.1.weight",
            "G.deconv_blocks.2.block.0.weight", "G.real_dec.deconv_blocks.3.block.0.weight", "G.render_dec.conv_attention.weight",
            "G.real_dec.to_rgb.bias", "SC1.net.0.weight", "SC2.net.12.weight",
        })
            Assert.Contains(expected, names);
        // iDIH widths with ngf 4: domain levels 4, 4, 8, 8; shared 16, 16, 32; decoders back to ngf/2 = 2 channels at full size.
        Assert.Equal(new long[] { 8, 8, 4, 4 }, model.state_dict()["G.real_enc.blocks_connected.block3.block.0.weight"].shape);
        Assert.Equal(new long[] { 32, 16, 4, 4 }, model.state_dict()["G.encoder_blocks.block6.block.0.weight"].shape);
        Assert.Equal(new long[] { 3, 2, 1, 1 }, model.state_dict()["G.real_dec.to_rgb.weight"].shape);

        using var scope = NewDisposeScope();
        model.eval();
        var image = rand(2, 3, 128, 256);
        var mask = zeros(2, 1, 128, 256);
        foreach (var domain in new[] { ImageDomain.Real, ImageDomain.Rendered })
        {
            var pass = model.Generator.Run(image, mask, domain);
            Assert.Equal(new long[] { 2, 8, 8, 16 }, pass.DomainFeatures.shape);
            Assert.Equal(new long[] { 2, 8, 8, 16 }, pass.HarmonizedFeatures.shape);
            Assert.Equal(new long[] { 2, 3, 128, 256 }, pass.Output.shape);
            Assert.Equal(new long[] { 2, 10 }, model.StyleBefore.forward(pass.DomainFeatures).shape);
        }
        Assert.Throws<ArgumentException>(() => model.forward(rand(1, 3, 100, 128), zeros(1, 1, 100, 128)));
    }

    [Theory]
    [InlineData(37, 91)]
    [InlineData(300, 120)]
    [InlineData(5, 3)]
    public void Harmonizes_any_size_and_keeps_background_bytes(int w, int h)
    {
        var composite = TestImages.Gradient(w, h, 3);
        var mask = TestImages.Ellipse(w, h);
        using var harmonizer = new CharmNetHarmonizer(PaintingModel(0.9f, 0.2f, 0.1f), workingSize: 128);
        var result = harmonizer.Harmonize(composite, mask);
        Assert.Equal((w, h), (result.Width, result.Height));
        ImageAssert.BackgroundUnchanged(composite, result, mask);
        if (w * h > 100)
        {
            // The foreground moves to the painted colour (0.9, 0.2, 0.1)·255 = (229.5, 51, 25.5).
            Assert.InRange(MeanForeground(result, mask, 0), 200, 245);
            Assert.InRange(MeanForeground(result, mask, 2), 10, 45);
        }
    }

    [Fact]
    public void Weights_round_trip_through_the_registry_and_bad_metadata_is_refused()
    {
        using var model = PaintingModel(0.1f, 0.8f, 0.3f);
        var path = Path.Combine(Path.GetTempPath(), $"charmnet-{Guid.NewGuid():N}.safetensors");
        var bad = Path.Combine(Path.GetTempPath(), $"charmnet-bad-{Guid.NewGuid():N}.safetensors");
        try
        {
            var metadata = CharmNetConfigMetadata.ToMetadata(model.Config);
            metadata[CharmNetConfigMetadata.WorkingSize] = "128";
            StateDictIO.Save(model, path, metadata);
            var harmonizer = MethodCatalog.CreateDefault().Create(CharmNetMethod.Name, MethodSettings.Parse([$"model={path}"]));
            var composite = TestImages.Gradient(90, 60);
            var mask = TestImages.Ellipse(90, 60);
            var result = harmonizer.Harmonize(composite, mask);
            Assert.InRange(MeanForeground(result, mask, 1), 180, 225);
            ImageAssert.BackgroundUnchanged(composite, result, mask);
            (harmonizer as IDisposable)?.Dispose();

            metadata["charmnet.width"] = "100000";
            StateDictIO.Save(model, bad, metadata);
            var e = Assert.Throws<HarmoniaException>(() => new CharmNetHarmonizer(bad));
            Assert.Contains("charmnet.width", e.Message);
        }
        finally
        {
            File.Delete(path);
            File.Delete(bad);
        }
    }

    static double MeanForeground(RgbImage image, Mask mask, int channel)
    {
        double sum = 0;
        int n = 0;
        for (int p = 0; p < image.Width * image.Height; p++)
            if (mask.Alpha[p] >= 0.99f)
            {
                sum += image.Pixels[3 * p + channel];
                n++;
            }
        return sum / Math.Max(1, n);
    }
}
