using System.Runtime.InteropServices;
using Harmonia.Core.Errors;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>
/// Reads and writes images with SkiaSharp.
/// <para>Reading accepts JPEG, PNG, WebP, BMP (and GIF's first frame). Every input is decoded to 8-bit RGBA,
/// unpremultiplied: grayscale is replicated to R=G=B, palettes are expanded, 16-bit channels are rounded to 8 bits,
/// and EXIF orientation is applied so the pixels stand upright. For a composite the alpha channel is dropped
/// (colours are used as stored); for a mask see <see cref="ReadMask"/>.</para>
/// <para>Writing picks the format from the extension (.png, .jpg/.jpeg, .webp) and is atomic: the bytes go to a
/// temporary file in the target folder which is then renamed, so a failure never leaves a partial file.</para>
/// </summary>
public static class ImageCodec
{
    /// <summary>Extensions <see cref="Read"/> accepts, lower case with the dot.</summary>
    public static readonly IReadOnlyList<string> ReadableExtensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    /// <summary>Extensions <see cref="Write"/> accepts, lower case with the dot.</summary>
    public static readonly IReadOnlyList<string> WritableExtensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>Reads an image file as upright 8-bit RGB. Throws <see cref="HarmoniaException"/> with a user-facing message.</summary>
    public static RgbImage Read(string path)
    {
        var (w, h, rgba) = DecodeRgba(path);
        return ToRgb(w, h, rgba);
    }

    /// <summary>
    /// Reads a mask file. Rule: when any pixel is not fully opaque the mask is the alpha channel (alpha / 255);
    /// otherwise it is the luminance (0.299 R + 0.587 G + 0.114 B) / 255. White = foreground. Soft values stay soft.
    /// </summary>
    public static Mask ReadMask(string path, float threshold = Mask.DefaultThreshold)
    {
        var (w, h, rgba) = DecodeRgba(path);
        return MaskFromRgba(w, h, rgba, threshold);
    }

    /// <summary>Decodes mask bytes (any readable format) with the rule of <see cref="ReadMask"/>.</summary>
    public static Mask DecodeMask(byte[] bytes, string nameForErrors = "mask", float threshold = Mask.DefaultThreshold)
    {
        var (w, h, rgba) = DecodeRgba(bytes, nameForErrors);
        return MaskFromRgba(w, h, rgba, threshold);
    }

    static Mask MaskFromRgba(int w, int h, byte[] rgba, float threshold)
    {
        var alpha = new float[w * h];
        bool transparent = false;
        for (int j = 3; j < rgba.Length; j += 4) if (rgba[j] != 255) { transparent = true; break; }
        for (int i = 0, j = 0; i < alpha.Length; i++, j += 4)
        {
            alpha[i] = transparent
                ? rgba[j + 3] / 255f
                : rgba[j] == rgba[j + 1] && rgba[j] == rgba[j + 2]
                    ? rgba[j] / 255f
                    : Math.Clamp((0.299f * rgba[j] + 0.587f * rgba[j + 1] + 0.114f * rgba[j + 2]) / 255f, 0f, 1f);
        }
        return new Mask(w, h, alpha, threshold);
    }

    /// <summary>Writes an image atomically; the format comes from the extension. <paramref name="quality"/> (1-100) applies to JPEG and WebP.</summary>
    public static void Write(RgbImage image, string path, int quality = 95) =>
        WriteRgba(ToOpaqueRgba(image), image.Width, image.Height, path, quality);

    /// <summary>Writes a mask as an 8-bit grayscale PNG (alpha * 255, rounded), atomically.</summary>
    public static void WriteMask(Mask mask, string path) => Write(MaskToGray(mask), path);

    /// <summary>Encodes a mask as 8-bit grayscale PNG bytes (alpha * 255, rounded), as <see cref="WriteMask"/> writes it.</summary>
    public static byte[] EncodeMask(Mask mask) => Encode(MaskToGray(mask), ".png");

    static RgbImage MaskToGray(Mask mask)
    {
        var rgb = new byte[mask.Alpha.Length * 3];
        for (int i = 0; i < mask.Alpha.Length; i++)
        {
            byte v = (byte)MathF.Round(Math.Clamp(mask.Alpha[i], 0f, 1f) * 255f);
            rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = v;
        }
        return new RgbImage(mask.Width, mask.Height, rgb);
    }

    /// <summary>Encodes to the format implied by the extension of <paramref name="extensionOrPath"/> (which need not exist).</summary>
    public static byte[] Encode(RgbImage image, string extensionOrPath, int quality = 95) =>
        EncodeRgba(ToOpaqueRgba(image), image.Width, image.Height, FormatFor(extensionOrPath), quality);

    /// <summary>Decodes image bytes (any readable format) to upright RGB.</summary>
    public static RgbImage Decode(byte[] bytes, string nameForErrors = "image")
    {
        var (w, h, rgba) = DecodeRgba(bytes, nameForErrors);
        return ToRgb(w, h, rgba);
    }

    /// <summary>Drops the alpha channel of an RGBA buffer.</summary>
    static RgbImage ToRgb(int w, int h, byte[] rgba)
    {
        var rgb = new byte[w * h * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return new RgbImage(w, h, rgb);
    }

    /// <summary>RGB to RGBA with alpha 255, the layout Skia encodes.</summary>
    static byte[] ToOpaqueRgba(RgbImage image)
    {
        var rgba = new byte[image.PixelCount * 4];
        var src = image.Pixels;
        for (int i = 0, j = 0; j < rgba.Length; i += 3, j += 4)
        {
            rgba[j] = src[i];
            rgba[j + 1] = src[i + 1];
            rgba[j + 2] = src[i + 2];
            rgba[j + 3] = 255;
        }
        return rgba;
    }

    /// <summary>Throws a <see cref="UsageException"/> unless <paramref name="path"/> has a writable image extension.</summary>
    public static void EnsureWritableExtension(string path) => FormatFor(path);

    static SKEncodedImageFormat FormatFor(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext.Length == 0 && path.StartsWith('.')) ext = path.ToLowerInvariant();
        return ext switch
        {
            ".png" => SKEncodedImageFormat.Png,
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            ".webp" => SKEncodedImageFormat.Webp,
            _ => throw new UsageException($"Cannot write '{path}': unsupported output format '{ext}' (use .png, .jpg or .webp)."),
        };
    }

    static void WriteRgba(byte[] rgba, int w, int h, string path, int quality)
    {
        var format = FormatFor(path);
        if (quality is < 1 or > 100) throw new UsageException($"Quality must be between 1 and 100, got {quality}.");
        var bytes = EncodeRgba(rgba, w, h, format, quality);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    static byte[] EncodeRgba(byte[] rgba, int w, int h, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), w * 4);
            using var data = pixmap.Encode(format, quality)
                ?? throw new HarmoniaException($"Could not encode a {w}x{h} image as {format}.");
            return data.ToArray();
        }
        finally
        {
            handle.Free();
        }
    }

    static (int W, int H, byte[] Rgba) DecodeRgba(string path)
    {
        if (Directory.Exists(path)) throw new HarmoniaException($"Cannot read '{path}': it is a folder, not an image file.");
        if (!File.Exists(path)) throw new HarmoniaException($"Cannot read '{path}': file not found.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarmoniaException($"Cannot read '{path}': {e.Message}");
        }
        return DecodeRgba(bytes, path);
    }

    static (int W, int H, byte[] Rgba) DecodeRgba(byte[] bytes, string name)
    {
        if (bytes.Length == 0) throw new HarmoniaException($"Cannot read '{name}': the file is empty.");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new HarmoniaException($"Cannot read '{name}': not a supported image (JPEG, PNG, WebP or BMP).");
        var size = codec.Info;
        if (size.Width <= 0 || size.Height <= 0) throw new HarmoniaException($"Cannot read '{name}': the image has no pixels.");
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, handle.AddrOfPinnedObject());
        }
        finally
        {
            handle.Free();
        }
        if (result != SKCodecResult.Success)
            throw new HarmoniaException($"Cannot read '{name}': the image data is corrupt or truncated ({result}).");
        return Orientation.Apply(rgba, size.Width, size.Height, codec.EncodedOrigin);
    }
}
