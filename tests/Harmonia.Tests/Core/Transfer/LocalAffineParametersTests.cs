using Harmonia.Core.Methods;
using Harmonia.Core.Imaging;
using Harmonia.Core.Transfer;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Transfer;

/// <summary>A local affine field as method parameters: strength, interpolation (the video smoother's operation), identity.</summary>
public sealed class LocalAffineParametersTests
{
    const int W = 96, H = 64, LowW = 48, LowH = 32;

    /// <summary>Fits a field at working size that maps the foreground toward out = gain·in + offset.</summary>
    static LocalAffineParameters FittedField(RgbImage composite, Mask mask, float gain, float offset)
    {
        var low = Resize.Rgb(composite, LowW, LowH, ResizeFilter.Bilinear);
        var lowMask = Resize.Mask(mask, LowW, LowH, ResizeFilter.Bilinear);
        var source = low.Pixels.Select(b => b / 255f).ToArray();
        var target = source.Select(v => Math.Clamp(gain * v + offset, 0f, 1f)).ToArray();
        var weight = lowMask.Alpha.Select(a => a >= 0.5f ? 1f : 0f).ToArray();
        return new LocalAffineParameters(LocalAffineColorTransfer.Fit(source, target, weight, LowW, LowH, cellSize: 8));
    }

    static double ForegroundMean(RgbImage image, Mask mask)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mask.Alpha.Length; i++)
            if (mask.Alpha[i] >= 1f) { sum += image.Pixels[3 * i] + image.Pixels[3 * i + 1] + image.Pixels[3 * i + 2]; n += 3; }
        return sum / n;
    }

    [Fact]
    public void Strength_zero_and_the_identity_field_leave_the_composite_unchanged()
    {
        var composite = TestImages.Gradient(W, H);
        var mask = TestImages.Ellipse(W, H);
        var darker = FittedField(composite, mask, 0.6f, 0.02f);
        Assert.True(darker.Render(composite, mask, 0f).ContentEquals(composite));
        Assert.True(new LocalAffineParameters(LocalAffineColorTransfer.Identity(LowW, LowH)).Render(composite, mask).ContentEquals(composite));
        Assert.True(ForegroundMean(darker.Render(composite, mask), mask) < ForegroundMean(composite, mask) - 20);
    }

    [Fact]
    public void Interpolation_renders_the_blend_of_the_two_fields()
    {
        var composite = TestImages.Gradient(W, H);
        var mask = TestImages.Ellipse(W, H);
        var darker = FittedField(composite, mask, 0.6f, 0f);
        var brighter = FittedField(composite, mask, 0.9f, 0.08f);   // no clipping: clamped outputs would not blend linearly
        var (d, b) = (darker.Render(composite, mask), brighter.Render(composite, mask));
        Assert.True(darker.Interpolate(brighter, 0f).Render(composite, mask).ContentEquals(d));
        Assert.True(darker.Interpolate(brighter, 1f).Render(composite, mask).ContentEquals(b));
        var mid = darker.Interpolate(brighter, 0.5f).Render(composite, mask);
        int worst = 0;
        for (int i = 0; i < mid.Pixels.Length; i++)
            worst = Math.Max(worst, Math.Abs(2 * mid.Pixels[i] - d.Pixels[i] - b.Pixels[i]));
        Assert.True(worst <= 3, $"midpoint differs from the mean of the two renders by {worst / 2.0} levels");
        Assert.Throws<ArgumentException>(() => darker.Interpolate(new LocalAffineParameters(LocalAffineColorTransfer.Identity(LowW / 2, LowH / 2)), 0.5f));
    }
}
