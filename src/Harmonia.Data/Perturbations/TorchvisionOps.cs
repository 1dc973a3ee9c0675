using Harmonia.Core.Imaging;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// Re-implementations of torchvision's tensor colour ops on uint8 images with torchvision's exact semantics
/// (torchvision/transforms/_functional_tensor.py): arithmetic in float32, then clamp to [0, 255] and truncation
/// toward zero when cast back to uint8 (<c>_blend</c>); grayscale is <c>(0.2989 R + 0.587 G + 0.114 B)</c> truncated to
/// uint8; the hue op goes through float [0,1] and back with <c>x · 255.999</c> truncated (<c>convert_image_dtype</c>).
/// All ops return a new image and never modify their input.
/// </summary>
public static class TorchvisionOps
{
    /// <summary>torchvision <c>_blend(img1, img2, ratio)</c> per byte: trunc(clamp(ratio·a + (1 − ratio)·b, 0, 255)).</summary>
    public static byte Blend(byte a, float b, double ratio)
    {
        float r = (float)ratio, r2 = (float)(1.0 - ratio);
        float v = r * a + r2 * b;
        return v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)v;
    }

    /// <summary>torchvision <c>rgb_to_grayscale</c> of one uint8 pixel (truncated).</summary>
    public static byte Gray(byte r, byte g, byte b) => (byte)(0.2989f * r + 0.587f * g + 0.114f * b);

    /// <summary><c>adjust_brightness</c>: blend with black.</summary>
    public static RgbImage AdjustBrightness(RgbImage img, double factor) => PerByte(img, v => Blend(v, 0f, factor));

    /// <summary><c>adjust_contrast</c>: blend with the mean of the (uint8) grayscale image.</summary>
    public static RgbImage AdjustContrast(RgbImage img, double factor)
    {
        var p = img.Pixels;
        double sum = 0;
        for (int i = 0; i < p.Length; i += 3) sum += Gray(p[i], p[i + 1], p[i + 2]);
        float mean = (float)(sum / img.PixelCount);
        return PerByte(img, v => Blend(v, mean, factor));
    }

    /// <summary><c>adjust_saturation</c>: blend each pixel with its own (uint8) gray value.</summary>
    public static RgbImage AdjustSaturation(RgbImage img, double factor)
    {
        var src = img.Pixels;
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i += 3)
        {
            byte g = Gray(src[i], src[i + 1], src[i + 2]);
            dst[i] = Blend(src[i], g, factor);
            dst[i + 1] = Blend(src[i + 1], g, factor);
            dst[i + 2] = Blend(src[i + 2], g, factor);
        }
        return new RgbImage(img.Width, img.Height, dst);
    }

    /// <summary><c>adjust_hue</c>: to float [0,1], RGB→HSV, h = (h + factor) mod 1, HSV→RGB, back with trunc(x · 255.999).</summary>
    public static RgbImage AdjustHue(RgbImage img, double factor)
    {
        if (factor is < -0.5 or > 0.5) throw new ArgumentOutOfRangeException(nameof(factor), "Hue factor must be in [-0.5, 0.5].");
        var src = img.Pixels;
        var dst = new byte[src.Length];
        const float scale = 256f - 1e-3f;
        for (int i = 0; i < src.Length; i += 3)
        {
            var (h, s, v) = RgbToHsv(src[i] / 255f, src[i + 1] / 255f, src[i + 2] / 255f);
            float hh = h + (float)factor;
            hh -= MathF.Floor(hh); // Python-style modulo 1 (result in [0,1))
            var (r, g, b) = HsvToRgb(hh, s, v);
            dst[i] = (byte)(r * scale);
            dst[i + 1] = (byte)(g * scale);
            dst[i + 2] = (byte)(b * scale);
        }
        return new RgbImage(img.Width, img.Height, dst);
    }

    /// <summary>torchvision <c>_rgb2hsv</c> (float32).</summary>
    public static (float H, float S, float V) RgbToHsv(float r, float g, float b)
    {
        float maxc = MathF.Max(r, MathF.Max(g, b)), minc = MathF.Min(r, MathF.Min(g, b));
        bool eqc = maxc == minc;
        float cr = maxc - minc;
        float s = cr / (eqc ? 1f : maxc);
        float div = eqc ? 1f : cr;
        float rc = (maxc - r) / div, gc = (maxc - g) / div, bc = (maxc - b) / div;
        float h = maxc == r ? bc - gc : maxc == g ? 2f + rc - bc : 4f + gc - rc;
        h = h / 6f + 1f;
        h -= MathF.Truncate(h); // torch.fmod(x, 1) for x >= 0
        return (h, s, maxc);
    }

    /// <summary>torchvision <c>_hsv2rgb</c> (float32).</summary>
    public static (float R, float G, float B) HsvToRgb(float h, float s, float v)
    {
        float fi = MathF.Floor(h * 6f);
        float f = h * 6f - fi;
        int i = ((int)fi % 6 + 6) % 6;
        float p = Math.Clamp(v * (1f - s), 0f, 1f);
        float q = Math.Clamp(v * (1f - s * f), 0f, 1f);
        float t = Math.Clamp(v * (1f - s * (1f - f)), 0f, 1f);
        return i switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
    }

    /// <summary><c>posterize</c>: keeps the top <paramref name="bits"/> bits of every byte.</summary>
    public static RgbImage Posterize(RgbImage img, int bits)
    {
        byte mask = (byte)(0xFF << (8 - bits));
        return PerByte(img, v => (byte)(v & mask));
    }

    /// <summary>
    /// <c>adjust_sharpness</c>: blend with the image smoothed by [[1,1,1],[1,5,1],[1,1,1]]/13 (interior pixels only,
    /// rounded half-to-even to uint8 as <c>_cast_squeeze_out</c> does); border pixels of the smoothed image equal the
    /// input, so they come out unchanged. Images with a side ≤ 2 are returned unchanged.
    /// </summary>
    public static RgbImage AdjustSharpness(RgbImage img, double factor)
    {
        int w = img.Width, h = img.Height;
        if (w <= 2 || h <= 2) return img.Clone();
        var src = img.Pixels;
        var blurred = (byte[])src.Clone();
        const float k1 = 1f / 13f, k5 = 5f / 13f;
        for (int y = 1; y < h - 1; y++)
        for (int x = 1; x < w - 1; x++)
        for (int c = 0; c < 3; c++)
        {
            float acc = 0f;
            for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
                acc += src[((y + dy) * w + x + dx) * 3 + c] * (dx == 0 && dy == 0 ? k5 : k1);
            blurred[(y * w + x) * 3 + c] = (byte)Math.Clamp(MathF.Round(acc, MidpointRounding.ToEven), 0f, 255f);
        }
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = Blend(src[i], blurred[i], factor);
        return new RgbImage(w, h, dst);
    }

    /// <summary><c>autocontrast</c>: per channel, stretch [min, max] to [0, 255]; a constant channel is left as is.</summary>
    public static RgbImage Autocontrast(RgbImage img)
    {
        var src = img.Pixels;
        Span<float> lo = stackalloc float[3], scale = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            byte mn = 255, mx = 0;
            for (int i = c; i < src.Length; i += 3) { if (src[i] < mn) mn = src[i]; if (src[i] > mx) mx = src[i]; }
            if (mx == mn) { lo[c] = 0f; scale[c] = 1f; }
            else { lo[c] = mn; scale[c] = 255f / (mx - mn); }
        }
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i++)
        {
            float v = (src[i] - lo[i % 3]) * scale[i % 3];
            dst[i] = v <= 0f ? (byte)0 : v >= 255f ? (byte)255 : (byte)v;
        }
        return new RgbImage(img.Width, img.Height, dst);
    }

    static RgbImage PerByte(RgbImage img, Func<byte, byte> f)
    {
        Span<byte> lut = stackalloc byte[256];
        for (int v = 0; v < 256; v++) lut[v] = f((byte)v);
        var src = img.Pixels;
        var dst = new byte[src.Length];
        for (int i = 0; i < src.Length; i++) dst[i] = lut[src[i]];
        return new RgbImage(img.Width, img.Height, dst);
    }
}
