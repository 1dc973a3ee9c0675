using Harmonia.Models.PixelNetworks;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PixelNetworks;

public class MirrorAveragedTests
{
    /// <summary>
    /// A "network" that adds the column index x to every pixel is not mirror-symmetric. Averaged with its mirrored
    /// pass it adds (x + (W − 1 − x)) / 2 = (W − 1) / 2 everywhere: a hand-computed constant that a pass without the
    /// mirror, or one that forgets to mirror back, does not give.
    /// </summary>
    [Fact]
    public void Averaging_with_the_mirrored_pass_cancels_a_left_right_ramp()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        const int W = 6, H = 2;
        var ramp = arange(W, dtype: ScalarType.Float32).reshape(1, 1, 1, W);
        Tensor AddRamp(Tensor image, Tensor mask) => image.Plus(ramp);
        manual_seed(1);
        var image = rand(1, 3, H, W);
        var mask = ones(1, 1, H, W);

        var averaged = LocalAffineNetwork.MirrorAveraged(AddRamp)(image, mask);

        var expected = image + (W - 1) / 2.0;
        Assert.Equal(new long[] { 1, 3, H, W }, averaged.shape);
        Assert.True((averaged - expected).abs().max().item<float>() < 1e-6f);
        Assert.True((AddRamp(image, mask) - expected).abs().max().item<float>() > 2f); // the test can tell the two apart
    }

    /// <summary>The mirrored pass sees the mirrored mask, so a mask-dependent network stays aligned with its mask.</summary>
    [Fact]
    public void The_mask_is_mirrored_with_the_image()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var image = zeros(1, 3, 2, 5);
        var mask = zeros(1, 1, 2, 5);
        mask[.., .., .., 0] = ones(1, 1, 2);
        Tensor PaintMask(Tensor x, Tensor m) => x.Plus(m.expand(1, 3, 2, 5));

        var averaged = LocalAffineNetwork.MirrorAveraged(PaintMask)(image, mask);

        Assert.Equal(1f, averaged[0, 0, 0, 0].item<float>(), 6);
        Assert.Equal(0f, averaged[0, 0, 0, 4].item<float>(), 6);
    }
}
