using Harmonia.Core.Errors;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>How images are encoded when written.</summary>
/// <param name="Quality">JPEG/WebP quality 1-100 (WebP at 100 is lossless).</param>
/// <param name="PngCompression">
/// PNG zlib level 0-9 (the CLI's <c>--png-compression</c>). Levels below <see cref="AdaptiveFilterLevel"/> stream
/// the rows through the Sub filter (None at 0) and .NET's zlib with no extra copy of the image; from it on, Skia's
/// encoder tries every filter per row for the smallest files (slower, and it needs a 4-byte-per-pixel copy).
/// </param>
public sealed record EncodeOptions(int Quality = 95, int PngCompression = EncodeOptions.DefaultPngCompression)
{
    /// <summary>The default PNG zlib level: fast.</summary>
    public const int DefaultPngCompression = 3;

    /// <summary>The first level that uses Skia's adaptive per-row filters.</summary>
    public const int AdaptiveFilterLevel = 6;

    /// <summary>Throws a <see cref="UsageException"/> for values out of range.</summary>
    public void Validate()
    {
        if (Quality is < 1 or > 100) throw new UsageException($"Quality must be between 1 and 100, got {Quality}.");
        if (PngCompression is < 0 or > 9) throw new UsageException($"--png-compression must be between 0 and 9, got {PngCompression}.");
    }

    /// <summary>Skia's PNG settings for <see cref="PngCompression"/>.</summary>
    internal SKPngEncoderOptions PngEncoderOptions() => new(SKPngEncoderFilterFlags.AllFilters, PngCompression);
}
