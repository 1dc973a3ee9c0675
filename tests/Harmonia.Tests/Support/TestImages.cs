using Harmonia.Core.Imaging;

namespace Harmonia.Tests.Support;

/// <summary>Small deterministic images and masks built in code, and temp folders that clean up.</summary>
public static class TestImages
{
    /// <summary>A smooth gradient with a seeded texture, W x H.</summary>
    public static RgbImage Gradient(int w, int h, int seed = 1)
    {
        var rng = new Random(seed);
        var img = new RgbImage(w, h);
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int o = (y * w + x) * 3;
            img.Pixels[o] = (byte)Math.Clamp(255 * x / Math.Max(1, w - 1) + rng.Next(-8, 9), 0, 255);
            img.Pixels[o + 1] = (byte)Math.Clamp(255 * y / Math.Max(1, h - 1) + rng.Next(-8, 9), 0, 255);
            img.Pixels[o + 2] = (byte)Math.Clamp(128 + rng.Next(-40, 41), 0, 255);
        }
        return img;
    }

    /// <summary>A soft-edged ellipse mask centred in the image, covering about a quarter of it.</summary>
    public static Mask Ellipse(int w, int h, float threshold = Mask.DefaultThreshold)
    {
        var a = new float[w * h];
        double cx = w / 2.0, cy = h / 2.0, rx = w / 3.5, ry = h / 3.5;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double d = Math.Sqrt(Math.Pow((x + 0.5 - cx) / rx, 2) + Math.Pow((y + 0.5 - cy) / ry, 2));
            a[y * w + x] = (float)Math.Clamp((1.15 - d) / 0.3, 0, 1);
        }
        return new Mask(w, h, a, threshold);
    }

    /// <summary>
    /// <see cref="Ellipse"/>'s binary view as a hard 0/1 mask: the renderer then copies a map's colours, so rendering
    /// results can be compared byte for byte.
    /// </summary>
    public static Mask HardEllipse(int w, int h) => new(w, h, Array.ConvertAll(Ellipse(w, h).ToBinary(), b => (float)b));

    /// <summary>Shifts the colours inside the binary mask, making a composite whose foreground disagrees with its background.</summary>
    public static RgbImage ShiftForeground(RgbImage real, Mask mask, int dr, int dg, int db)
    {
        var c = real.Clone();
        for (int i = 0; i < c.PixelCount; i++)
        {
            if (!mask.IsForeground(i)) continue;
            c.Pixels[3 * i] = (byte)Math.Clamp(c.Pixels[3 * i] + dr, 0, 255);
            c.Pixels[3 * i + 1] = (byte)Math.Clamp(c.Pixels[3 * i + 1] + dg, 0, 255);
            c.Pixels[3 * i + 2] = (byte)Math.Clamp(c.Pixels[3 * i + 2] + db, 0, 255);
        }
        return c;
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>The folder's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "harmonia-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Creates the folder.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
