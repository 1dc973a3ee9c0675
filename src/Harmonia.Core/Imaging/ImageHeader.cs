using Harmonia.Core.Errors;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>The container format recognized from an image's first bytes.</summary>
public enum ImageFileFormat
{
    /// <summary>PNG (<c>89 50 4E 47 0D 0A 1A 0A</c>).</summary>
    Png,
    /// <summary>JPEG (<c>FF D8 FF</c>).</summary>
    Jpeg,
    /// <summary>WebP (<c>RIFF....WEBP</c>).</summary>
    Webp,
    /// <summary>BMP (<c>BM</c>).</summary>
    Bmp,
    /// <summary>GIF (<c>GIF87a</c> / <c>GIF89a</c>).</summary>
    Gif,
}

/// <summary>An image's format and size, read from its header without decoding any pixel.</summary>
public readonly record struct ImageHeader(ImageFileFormat Format, int Width, int Height)
{
    /// <summary>Width x height as a 64-bit count (a hostile header can claim more than int.MaxValue pixels).</summary>
    public long PixelCount => (long)Width * Height;

    /// <summary>
    /// The format from the magic bytes (the file name and any declared content type are not trusted), or null when
    /// <paramref name="bytes"/> starts like none of the readable formats.
    /// </summary>
    public static ImageFileFormat? Sniff(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return ImageFileFormat.Png;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return ImageFileFormat.Jpeg;
        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8)) return ImageFileFormat.Webp;
        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8)) return ImageFileFormat.Gif;
        if (bytes.StartsWith("BM"u8)) return ImageFileFormat.Bmp;
        return null;
    }

    /// <summary>
    /// Sniffs the format and reads the size from the header only, so a decompression bomb is refused before its
    /// pixels are allocated. Throws <see cref="HarmoniaException"/> with a user-facing message naming <paramref name="name"/>.
    /// </summary>
    public static ImageHeader Probe(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new HarmoniaException($"'{name}' is empty.");
        var format = Sniff(bytes)
            ?? throw new HarmoniaException($"'{name}' is not a PNG, JPEG, WebP, BMP or GIF image (checked from its content).");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new HarmoniaException($"'{name}' looks like {format} but its header is corrupt.");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) throw new HarmoniaException($"'{name}' has no pixels.");
        return new ImageHeader(format, info.Width, info.Height);
    }
}
