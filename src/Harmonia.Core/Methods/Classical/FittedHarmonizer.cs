using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// What a classical method fits from one composite: a map rendered at full resolution. Fitting (statistics) and
/// rendering are separate so callers can time them apart and reuse destination buffers.
/// </summary>
public interface IForegroundMap
{
    /// <summary>
    /// Writes the harmonized image into <paramref name="destination"/> (same W x H as the composite): the map under
    /// the soft mask, blended with alpha; pixels with alpha exactly 0 are copied byte for byte.
    /// </summary>
    void Render(RgbImage composite, Mask mask, RgbImage destination);
}

/// <summary>A classical method split into fitting statistics and rendering.</summary>
public interface IFittedHarmonizer : IHarmonizer
{
    /// <summary>Gathers the statistics of <paramref name="composite"/> under the binary view of <paramref name="mask"/> and returns the map.</summary>
    IForegroundMap Fit(RgbImage composite, Mask mask);
}

/// <summary>A position-independent colour map rendered by <see cref="ForegroundRenderer"/>.</summary>
public sealed class ColorTransformMap(IColorTransform transform) : IForegroundMap
{
    /// <summary>The per-pixel colour map.</summary>
    public IColorTransform Transform { get; } = transform;

    /// <inheritdoc />
    public void Render(RgbImage composite, Mask mask, RgbImage destination) =>
        ForegroundRenderer.Render(composite, mask, Transform, destination);
}

/// <summary>Shared helpers of the fitted classical methods.</summary>
public static class FittedHarmonizer
{
    /// <summary>Fits and renders into a new image: the <see cref="IHarmonizer.Harmonize"/> of every classical method.</summary>
    public static RgbImage FitAndRender(this IFittedHarmonizer method, RgbImage composite, Mask mask)
    {
        var map = method.Fit(composite, mask);
        var output = new RgbImage(composite.Width, composite.Height);
        map.Render(composite, mask, output);
        return output;
    }

    /// <summary>Rounds to the nearest byte, clamping to [0, 255] (NaN gives 0).</summary>
    public static byte ToByte(float v) => v >= 255f ? (byte)255 : v > 0f ? (byte)(v + 0.5f) : (byte)0;
}
