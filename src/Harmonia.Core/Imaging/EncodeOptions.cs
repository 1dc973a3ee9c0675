using Harmonia.Core.Errors;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>How images are encoded when written.</summary>
/// <param name="Quality">JPEG/WebP quality 1-100 (WebP at 100 is lossless).</param>
/// <param name="PngCompression">
/// PNG zlib level 0-9 (the CLI's <c>--png-compression</c>). Levels up to 3 use the Sub row filter alone, which
/// encodes a 12 MP photo several times faster than Skia's default (all filters tried per row, level 6) for files
/// about 10-20 % larger; 4-9 try every filter per row for the smallest files.
/// </param>
public sealed record EncodeOptions(int Quality = 95, int PngCompression = EncodeOptions.DefaultPngCompression)
{
    /// <summary>The default PNG zlib level: fast.</summary>
    public const int DefaultPngCompression = 1;

    /// <summary>Throws a <see cref="UsageException"/> for values out of range.</summary>
    public void Validate()
    {
        if (Quality is < 1 or > 100) throw new UsageException($"Quality must be between 1 and 100, got {Quality}.");
        if (PngCompression is < 0 or > 9) throw new UsageException($"--png-compression must be between 0 and 9, got {PngCompression}.");
    }

    /// <summary>Skia's PNG settings for <see cref="PngCompression"/>.</summary>
    internal SKPngEncoderOptions PngEncoderOptions() =>
        new(PngCompression <= 3 ? SKPngEncoderFilterFlags.Sub : SKPngEncoderFilterFlags.AllFilters, PngCompression);
}
