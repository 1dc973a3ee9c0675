using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Methods.Classical;
using Harmonia.Core.Rendering;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Methods;

/// <summary>Two methods in sequence: the second is fitted on the first one's result, and one render applies both.</summary>
public sealed class ChainedHarmonizerTests
{
    const int W = 240, H = 180;

    static readonly RgbImage Real = TestImages.Gradient(W, H, seed: 5);
    static readonly Mask SoftMask = TestImages.Ellipse(W, H);
    static readonly RgbImage Composite = TestImages.ShiftForeground(Real, SoftMask, 50, -30, 20);

    [Fact]
    public void With_a_hard_mask_the_chain_equals_running_the_methods_one_after_the_other()
    {
        var hard = TestImages.HardEllipse(W, H);
        var first = new ReinhardTransfer();
        var second = new HistogramMatching();
        var oneThenOther = second.Harmonize(first.Harmonize(Composite, hard), hard);
        var chained = ChainedHarmonizer.Create(first, second).Harmonize(Composite, hard);
        Assert.True(chained.ContentEquals(oneThenOther));
        // The chain differs from either method alone (so the comparison above can fail).
        Assert.False(chained.ContentEquals(first.Harmonize(Composite, hard)));
        Assert.False(chained.ContentEquals(second.Harmonize(Composite, hard)));
    }

    [Fact]
    public void Soft_masks_keep_background_bytes_and_strength_zero_is_the_composite()
    {
        using var chain = ChainedHarmonizer.Create(new ReinhardTransfer(), new HistogramMatching());
        var map = chain.Fit(Composite, SoftMask);
        Assert.IsType<ComposedForegroundMap>(map);
        Assert.IsNotAssignableFrom<IParametricHarmonizer>(chain);   // classical stages: no parameters to smooth
        ImageAssert.BackgroundUnchanged(Composite, ForegroundRenderer.Render(Composite, SoftMask, map), SoftMask);
        Assert.True(ForegroundRenderer.Render(Composite, SoftMask, map.AtStrength(0f)).ContentEquals(Composite));
    }

    [Fact]
    public void Disposing_the_chain_disposes_both_methods()
    {
        var (a, b) = (new DisposableIdentity(), new DisposableIdentity());
        ChainedHarmonizer.Create(a, b).Dispose();
        Assert.True(a.Disposed && b.Disposed);
    }

    sealed class DisposableIdentity : IHarmonizer, IDisposable
    {
        public bool Disposed { get; private set; }

        public IForegroundMap Fit(RgbImage composite, Mask mask) => new ImageForegroundMap(composite);

        public void Dispose() => Disposed = true;
    }
}
