using Harmonia.Core.Imaging;

namespace Harmonia.Core.Rendering;

/// <summary>
/// An image as the foreground: a synthetic perturbation of the composite's size, or a network's working-resolution
/// output brought to the composite's size with <see cref="Resize"/>'s filter (same values as <see cref="Resize.Rgb"/>).
/// The resize is done row by row while rendering: only the horizontal pass (the foreground's rows at full width) is
/// kept, never a full-size copy. Strength blends the colours toward the composite's.
/// </summary>
public sealed class ImageForegroundMap : IForegroundMap
{
    readonly RgbImage image;
    readonly ResizeFilter filter;
    readonly float strength;

    /// <summary>Wraps <paramref name="image"/> (not copied; must not change while maps of it are in use).</summary>
    /// <param name="image">The foreground colours, 8-bit RGB of any size with the composite's field of view.</param>
    /// <param name="filter">Resampling filter when its size differs from the composite's.</param>
    public ImageForegroundMap(RgbImage image, ResizeFilter filter = ResizeFilter.Bicubic) : this(image, filter, 1f) { }

    ImageForegroundMap(RgbImage image, ResizeFilter filter, float strength)
    {
        this.image = image;
        this.filter = filter;
        this.strength = strength;
    }

    /// <summary>The foreground image.</summary>
    public RgbImage Image => image;

    /// <inheritdoc />
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        return strength >= 1f ? this : new ImageForegroundMap(image, filter, strength * this.strength);
    }

    /// <inheritdoc />
    public IForegroundRows ForImage(int width, int height)
    {
        if (width == image.Width && height == image.Height) return new SameSize(image, strength);
        return new Resampled(Resize.HorizontalRgb(image, width, filter), Resize.Weights(image.Height, height, filter), width, strength);
    }

    sealed class SameSize(RgbImage image, float strength) : IForegroundRows
    {
        public int ScratchLength => 0;

        public void BeginRow(int y, Span<float> scratch) { }

        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> scratch)
        {
            image.Row(y).Slice(3 * x, source.Length).CopyTo(foreground);
            if (strength < 1f) MapStrength.TowardSource(source, foreground, strength);
        }
    }

    sealed class Resampled(float[] rows, (int Start, float[] Weights)[] taps, int width, float strength) : IForegroundRows
    {
        public int ScratchLength => 0;

        public void BeginRow(int y, Span<float> scratch) { }

        public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> scratch)
        {
            for (int i = 0; i < foreground.Length; i++) foreground[i] = Resize.ToByte(Resize.VerticalTap(rows, taps[y], width * 3, 3 * x + i));
            if (strength < 1f) MapStrength.TowardSource(source, foreground, strength);
        }
    }
}
