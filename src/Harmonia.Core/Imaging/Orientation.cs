using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>
/// Where the pixels of a stored (encoded) row land in the upright image for an EXIF orientation, so rows can be
/// written straight to their upright place while decoding, without a second full-size buffer.
/// </summary>
/// <param name="Width">Upright width.</param>
/// <param name="Height">Upright height.</param>
internal readonly record struct Orientation(SKEncodedOrigin Origin, int StoredWidth, int StoredHeight, int Width, int Height)
{
    /// <summary>The placement of a <paramref name="w"/>×<paramref name="h"/> stored image with <paramref name="origin"/>.</summary>
    public static Orientation Of(SKEncodedOrigin origin, int w, int h)
    {
        if (origin is < SKEncodedOrigin.TopLeft or > SKEncodedOrigin.LeftBottom) origin = SKEncodedOrigin.TopLeft;
        bool swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        return new Orientation(origin, w, h, swap ? h : w, swap ? w : h);
    }

    /// <summary>
    /// The upright pixel index of stored pixel (0, <paramref name="storedY"/>) and the index step per stored x:
    /// stored (x, y) lands at <c>start + x·step</c>.
    /// </summary>
    public (int Start, int Step) Row(int storedY)
    {
        int w = StoredWidth, h = StoredHeight;
        return Origin switch
        {
            SKEncodedOrigin.TopRight => (storedY * w + w - 1, -1),
            SKEncodedOrigin.BottomRight => ((h - 1 - storedY) * w + w - 1, -1),
            SKEncodedOrigin.BottomLeft => ((h - 1 - storedY) * w, 1),
            SKEncodedOrigin.LeftTop => (storedY, h),
            SKEncodedOrigin.RightTop => (h - 1 - storedY, h),
            SKEncodedOrigin.RightBottom => ((w - 1) * h + h - 1 - storedY, -h),
            SKEncodedOrigin.LeftBottom => ((w - 1) * h + storedY, -h),
            _ => (storedY * w, 1),
        };
    }
}
