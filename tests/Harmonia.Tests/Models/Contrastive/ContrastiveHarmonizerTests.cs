using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.Contrastive;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Models.PHNet;
using Harmonia.Tests.Support;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Contrastive;

public class ContrastiveHarmonizerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A small network whose output is its input shifted by (+0.1, 0, −0.06) (the head's bias; the residual is otherwise 0).</summary>
    internal static ContrastiveModel ShiftingModel()
    {
        TorchRuntime.EnsureAvailable();
        var model = new ContrastiveModel(new ContrastiveConfig(Width: 4, EmbeddingSize: 8));
        using var noGrad = no_grad();
        model.named_parameters().Single(p => p.name == "head.bias").parameter.copy_(tensor(new float[] { 0.1f, 0, -0.06f }));
        return model;
    }

    [Theory]
    [InlineData(37, 91)]
    [InlineData(300, 120)]
    [InlineData(641, 48)]
    [InlineData(5, 3)]
    public void Works_at_any_size_and_keeps_background_bytes(int w, int h)
    {
        var composite = TestImages.Gradient(w, h, 3);
        var mask = TestImages.Ellipse(w, h);
        using var harmonizer = new ContrastiveHarmonizer(ShiftingModel(), workingSize: 64);
        var result = harmonizer.Harmonize(composite, mask);
        Assert.Equal((w, h), (result.Width, result.Height));
        ImageAssert.BackgroundUnchanged(composite, result, mask);
        Assert.False(result.ContentEquals(composite));
    }

    [Fact]
    public void Keeps_full_resolution_detail_and_carries_the_colour_change()
    {
        var (composite, mask) = FullResolutionTransferTests.TexturedComposite();
        using var harmonizer = new ContrastiveHarmonizer(ShiftingModel(), workingSize: FullResolutionTransferTests.LowW);
        var result = harmonizer.Harmonize(composite, mask);
        double ratio = FullResolutionTransferTests.HighPassEnergy(result) / FullResolutionTransferTests.HighPassEnergy(composite);
        output.WriteLine($"high-pass energy ratio {ratio:F4}");
        Assert.InRange(ratio, 0.9, 1.1);
        // +0.1·255 ≈ 25.5 red, −0.06·255 ≈ −15.3 blue.
        Assert.InRange(FullResolutionTransferTests.MeanFg(result, 0) - FullResolutionTransferTests.MeanFg(composite, 0), 21, 30);
        Assert.InRange(FullResolutionTransferTests.MeanFg(result, 2) - FullResolutionTransferTests.MeanFg(composite, 2), -19, -12);
        ImageAssert.BackgroundUnchanged(composite, result, mask);
    }

    [Fact]
    public void A_fresh_network_is_the_identity()
    {
        TorchRuntime.EnsureAvailable();
        var composite = TestImages.Gradient(120, 90, 2);
        var mask = TestImages.Ellipse(120, 90);
        using var harmonizer = new ContrastiveHarmonizer(new ContrastiveModel(new ContrastiveConfig(Width: 4, EmbeddingSize: 8)), workingSize: 64);
        ImageAssert.Close(composite, harmonizer.Harmonize(composite, mask), 1);
    }
}
