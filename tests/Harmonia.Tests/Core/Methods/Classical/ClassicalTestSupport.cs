using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods.Classical;

namespace Harmonia.Tests.Core.Methods.Classical;

/// <summary>Measurements shared by the classical-method tests.</summary>
static class ClassicalTestSupport
{
    /// <summary>Double-precision moments of a per-pixel feature over the binary foreground and background.</summary>
    public static RegionMoments Moments(RgbImage image, Mask mask, Func<byte, byte, byte, Vec3> feature)
    {
        var m = RegionMoments.Empty();
        var sums = new double[MomentSums.Length];
        for (int i = 0; i < image.PixelCount; i++)
        {
            var f = feature(image.Pixels[3 * i], image.Pixels[3 * i + 1], image.Pixels[3 * i + 2]);
            sums[0] = 1;
            sums[1] = f.X; sums[2] = f.Y; sums[3] = f.Z;
            sums[4] = f.X * f.X; sums[5] = f.X * f.Y; sums[6] = f.X * f.Z;
            sums[7] = f.Y * f.Y; sums[8] = f.Y * f.Z; sums[9] = f.Z * f.Z;
            (mask.IsForeground(i) ? m.Foreground : m.Background).Add(sums);
        }
        return m;
    }

    /// <summary>
    /// A textured image whose statistics are the same everywhere (mid-range colours, low-frequency waves plus
    /// noise), so a foreground cut from it has about the background's statistics: the ideal case of every
    /// statistics-transfer method.
    /// </summary>
    public static RgbImage Stationary(int w, int h, int seed = 7)
    {
        var rng = new Random(seed);
        var img = new RgbImage(w, h);
        int[] baseColor = [120, 110, 100];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        for (int c = 0; c < 3; c++)
        {
            double wave = 25 * Math.Sin(x * 0.21 + c) * Math.Cos(y * 0.17 - c);
            img.Pixels[3 * (y * w + x) + c] = (byte)Math.Clamp(baseColor[c] + wave + rng.Next(-20, 21), 0, 255);
        }
        return img;
    }

    /// <summary>RGB as a feature (0-255).</summary>
    public static Vec3 Rgb(byte r, byte g, byte b) => new(r, g, b);

    /// <summary>A hard 0/1 copy of a mask (no blending, so foreground pixels are the method's map exactly).</summary>
    public static Mask Hard(Mask mask)
    {
        var a = new float[mask.Alpha.Length];
        for (int i = 0; i < a.Length; i++) a[i] = mask.IsForeground(i) ? 1f : 0f;
        return new Mask(mask.Width, mask.Height, a, mask.Threshold);
    }

    /// <summary>Nearest-neighbour 2x upscale of an image and its mask (pixel statistics stay exactly the same).</summary>
    public static (RgbImage Image, Mask Mask) Upscale2(RgbImage image, Mask mask)
    {
        int w = image.Width * 2, h = image.Height * 2;
        var img = new RgbImage(w, h);
        var a = new float[w * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int s = (y / 2) * image.Width + x / 2, d = y * w + x;
            a[d] = mask.Alpha[s];
            for (int c = 0; c < 3; c++) img.Pixels[3 * d + c] = image.Pixels[3 * s + c];
        }
        return (img, new Mask(w, h, a, mask.Threshold));
    }
}
