using Harmonia.Core.Errors;

namespace Harmonia.Core.Imaging;

/// <summary>
/// Bounds checked on an image's header before any pixel buffer is allocated, so a small file declaring a huge size
/// (a 96-byte PNG saying 32768×32768) is refused instead of exhausting memory. Products are 64-bit.
/// </summary>
/// <param name="MaxPixels">Largest width·height accepted (the CLI's <c>--max-pixels</c>).</param>
public sealed record ImageLimits(long MaxPixels = ImageLimits.DefaultMaxPixels)
{
    /// <summary>Default pixel limit: 150 megapixels (e.g. 15000×10000), about 1.2 GB at 8 bytes per pixel.</summary>
    public const long DefaultMaxPixels = 150_000_000;

    /// <summary>
    /// Highest limit that may be set: an RGB buffer of this many pixels (3 bytes each) and the 4-byte-per-pixel
    /// buffers of decoding and encoding must still fit one .NET array.
    /// </summary>
    public const long AbsoluteMaxPixels = 500_000_000;

    /// <summary>Largest encoded file read (1 GiB); the whole file is held in memory while decoding.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The default limits.</summary>
    public static ImageLimits Default { get; } = new();

    /// <summary>Limits with <paramref name="maxPixels"/>; a <see cref="UsageException"/> outside 1..<see cref="AbsoluteMaxPixels"/>.</summary>
    public static ImageLimits WithMaxPixels(long maxPixels) =>
        maxPixels is < 1 or > AbsoluteMaxPixels
            ? throw new UsageException($"--max-pixels must be between 1 and {AbsoluteMaxPixels}, got {maxPixels}.")
            : new ImageLimits(maxPixels);

    /// <summary>Throws a user-facing <see cref="HarmoniaException"/> when a <paramref name="width"/>×<paramref name="height"/> image is not allowed.</summary>
    public void Check(long width, long height, string name)
    {
        if (width <= 0 || height <= 0)
            throw new HarmoniaException($"Cannot read '{name}': the image declares {width}x{height} pixels.");
        long pixels = width * height;   // both < 2^31, so the product fits 64 bits
        if (pixels > MaxPixels)
            throw new HarmoniaException(
                $"Cannot read '{name}': the image declares {width}x{height} = {pixels / 1e6:F1} MP, over the limit of {MaxPixels / 1e6:F1} MP (raise it with --max-pixels).");
    }
}
