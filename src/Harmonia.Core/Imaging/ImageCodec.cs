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

    /// <summary>Extensions <see cref="Write(RgbImage, string, EncodeOptions)"/> accepts, lower case with the dot.</summary>
    public static readonly IReadOnlyList<string> WritableExtensions = [".png", ".jpg", ".jpeg", ".webp"];

    /// <summary>
    /// Reads an image file as upright 8-bit RGB. The header is checked against <paramref name="limits"/> (default
    /// <see cref="ImageLimits.Default"/>) before pixels are decoded. Throws <see cref="HarmoniaException"/> with a
    /// user-facing message.
    /// </summary>
    public static RgbImage Read(string path, ImageLimits? limits = null)
    {
        using var encoded = EncodedImage.Open(path, limits ?? ImageLimits.Default);
        return DecodeRgb(encoded);
    }

    /// <summary>The upright (width, height) of an image file from its header alone, checked against <paramref name="limits"/>.</summary>
    public static (int Width, int Height) ReadSize(string path, ImageLimits? limits = null)
    {
        using var encoded = EncodedImage.Open(path, limits ?? ImageLimits.Default);
        return (encoded.Width, encoded.Height);
    }

    /// <summary>
    /// Reads a mask file; white = foreground, soft values stay soft. <paramref name="channel"/> says where the mask
    /// is; <see cref="MaskChannel.Auto"/> takes the alpha channel only when it carries a mask (pixels on both sides
    /// of <paramref name="threshold"/>), else the luminance (0.299 R + 0.587 G + 0.114 B) / 255.
    /// </summary>
    public static Mask ReadMask(string path, float threshold = Mask.DefaultThreshold, MaskChannel channel = MaskChannel.Auto, ImageLimits? limits = null)
    {
        using var encoded = EncodedImage.Open(path, limits ?? ImageLimits.Default);
        return DecodeMask(encoded, threshold, channel);
    }

    /// <summary>Decodes to upright RGB (alpha dropped), into <paramref name="reuse"/> when it has the right length.</summary>
    internal static RgbImage DecodeRgb(EncodedImage encoded, byte[]? reuse = null)
    {
        long length = 3L * encoded.Width * encoded.Height;
        var rgb = reuse is not null && reuse.Length == length ? reuse : GC.AllocateUninitializedArray<byte>(checked((int)length));
        encoded.DecodeRows((row, start, step) =>
        {
            int n = row.Length / 4;
            if (step == 1)
            {
                var dst = rgb.AsSpan(3 * start, 3 * n);
                for (int x = 0, j = 0, i = 0; x < n; x++, j += 4, i += 3)
                {
                    dst[i] = row[j];
                    dst[i + 1] = row[j + 1];
                    dst[i + 2] = row[j + 2];
                }
                return;
            }
            for (int x = 0, j = 0, at = start; x < n; x++, j += 4, at += step)
            {
                rgb[3 * at] = row[j];
                rgb[3 * at + 1] = row[j + 1];
                rgb[3 * at + 2] = row[j + 2];
            }
        });
        return new RgbImage(encoded.Width, encoded.Height, rgb);
    }

    /// <summary>Decodes a mask by <paramref name="channel"/> (see <see cref="ReadMask"/>), into <paramref name="reuse"/> when it has the right length.</summary>
    internal static Mask DecodeMask(EncodedImage encoded, float threshold, MaskChannel channel, float[]? reuse = null)
    {
        int count = checked(encoded.Width * encoded.Height);
        var values = reuse is not null && reuse.Length == count ? reuse : GC.AllocateUninitializedArray<float>(count);
        byte cut = (byte)Math.Clamp(MathF.Ceiling(threshold * 255f - 1e-3f), 0f, 255f);
        if (encoded.TryDecodeWholeInto(values))
        {
            // RGBA pixel i sits in the 4 bytes of float i: decide the channel, then convert each pixel in place.
            var rgba = MemoryMarshal.AsBytes(values.AsSpan());
            bool useAlpha = channel == MaskChannel.Alpha;
            if (channel == MaskChannel.Auto && encoded.MayHaveAlpha)
            {
                bool hasAbove = false, hasBelow = false;
                for (int j = 3; j < rgba.Length && !(hasAbove && hasBelow); j += 4)
                    if (rgba[j] >= cut) hasAbove = true;
                    else hasBelow = true;
                useAlpha = hasAbove && hasBelow;
            }
            var use = useAlpha ? MaskChannel.Alpha : channel;
            for (int i = 0, j = 0; i < count; i++, j += 4)
                values[i] = MaskValue(use, rgba[j], rgba[j + 1], rgba[j + 2], rgba[j + 3]);
            return new Mask(encoded.Width, encoded.Height, values, threshold);
        }
        // Auto keeps the alpha bytes aside (1 byte per pixel) until the whole image has shown whether alpha carries a mask.
        byte[]? alpha = channel == MaskChannel.Auto && encoded.MayHaveAlpha ? GC.AllocateUninitializedArray<byte>(count) : null;
        bool above = false, below = false;
        encoded.DecodeRows((row, start, step) =>
        {
            int n = row.Length / 4;
            for (int x = 0, j = 0, at = start; x < n; x++, j += 4, at += step)
            {
                byte r = row[j], g = row[j + 1], b = row[j + 2], a = row[j + 3];
                values[at] = MaskValue(channel, r, g, b, a);
                if (alpha is null) continue;
                alpha[at] = a;
                if (a >= cut) above = true;
                else below = true;
            }
        });
        if (alpha is not null && above && below)
            for (int i = 0; i < count; i++) values[i] = alpha[i] / 255f;
        return new Mask(encoded.Width, encoded.Height, values, threshold);
    }

    /// <summary>The mask value of one RGBA pixel for <paramref name="channel"/> (Auto: the luminance rule; the caller switches to alpha).</summary>
    static float MaskValue(MaskChannel channel, byte r, byte g, byte b, byte a) => channel switch
    {
        MaskChannel.Alpha => a / 255f,
        MaskChannel.Red => r / 255f,
        _ => r == g && r == b ? r / 255f : Math.Clamp((0.299f * r + 0.587f * g + 0.114f * b) / 255f, 0f, 1f),
    };

    /// <summary>Writes an image atomically; the format comes from the extension. <paramref name="quality"/> (1-100) applies to JPEG and WebP.</summary>
    public static void Write(RgbImage image, string path, int quality = 95) => Write(image, path, new EncodeOptions(quality));

    /// <summary>
    /// Writes an image atomically with <paramref name="options"/>; the format comes from the extension. The encoder
    /// streams into the temporary file, so no encoded copy is held in memory.
    /// </summary>
    public static void Write(RgbImage image, string path, EncodeOptions options)
    {
        var format = FormatFor(path);
        options.Validate();
        AtomicFile.Write(path, stream => EncodeTo(stream, image, format, options));
    }

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

    /// <summary>Decodes mask bytes (any readable format) with the rule of <see cref="ReadMask"/> and the same header checks.</summary>
    public static Mask DecodeMask(byte[] bytes, string nameForErrors = "mask", float threshold = Mask.DefaultThreshold,
        MaskChannel channel = MaskChannel.Auto, ImageLimits? limits = null)
    {
        using var encoded = EncodedImage.FromBytes(bytes, nameForErrors, limits ?? ImageLimits.Default);
        return DecodeMask(encoded, threshold, channel);
    }

    /// <summary>Encodes to the format implied by the extension of <paramref name="extensionOrPath"/> (which need not exist).</summary>
    public static byte[] Encode(RgbImage image, string extensionOrPath, int quality = 95)
    {
        var format = FormatFor(extensionOrPath);
        var options = new EncodeOptions(quality);
        options.Validate();
        using var memory = new MemoryStream();
        EncodeTo(memory, image, format, options);
        return memory.ToArray();
    }

    /// <summary>Decodes image bytes (any readable format) to upright RGB, with the same header checks as <see cref="Read"/>.</summary>
    public static RgbImage Decode(byte[] bytes, string nameForErrors = "image", ImageLimits? limits = null)
    {
        using var encoded = EncodedImage.FromBytes(bytes, nameForErrors, limits ?? ImageLimits.Default);
        return DecodeRgb(encoded);
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

    static void EncodeTo(Stream stream, RgbImage image, SKEncodedImageFormat format, EncodeOptions options)
    {
        if (format == SKEncodedImageFormat.Png && options.PngCompression < EncodeOptions.AdaptiveFilterLevel)
        {
            PngWriter.Write(stream, image, options.PngCompression);
            return;
        }
        int w = image.Width, h = image.Height;
        var rgba = ToOpaqueRgba(image);
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, handle.AddrOfPinnedObject(), w * 4);
            bool ok = format switch
            {
                SKEncodedImageFormat.Png => pixmap.Encode(stream, options.PngEncoderOptions()),
                SKEncodedImageFormat.Jpeg => pixmap.Encode(stream, new SKJpegEncoderOptions(options.Quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
                _ => pixmap.Encode(stream, new SKWebpEncoderOptions(options.Quality >= 100 ? SKWebpEncoderCompression.Lossless : SKWebpEncoderCompression.Lossy, options.Quality)),
            };
            if (!ok) throw new HarmoniaException($"Could not encode a {w}x{h} image as {format}.");
        }
        finally
        {
            handle.Free();
        }
    }
}
