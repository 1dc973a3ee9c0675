using Harmonia.Core.Imaging;

namespace Harmonia.Bench;

/// <summary>Synthetic benchmark inputs (no file I/O, deterministic).</summary>
public static class BenchScenes
{
    /// <summary>
    /// A <paramref name="width"/> x <paramref name="height"/> textured image (gradients, a sine pattern, per-row seeded
    /// noise) and a soft ellipse mask over ~25% of it, feathered over width/200 pixels.
    /// </summary>
    public static (RgbImage Image, Mask Mask) Textured(int width, int height)
    {
        int w = width, h = height;
        var image = new RgbImage(w, h);
        var alpha = new float[w * h];
        double cx = w / 2.0, cy = h / 2.0, rx = 0.28 * w, ry = 0.28 * h, feather = Math.Max(2, w / 200.0);
        Parallel.For(0, h, y =>
        {
            var rng = new Random(y);
            var row = image.Row(y);
            for (int x = 0; x < w; x++)
            {
                row[3 * x] = (byte)(40 + 180 * x / w + rng.Next(16));
                row[3 * x + 1] = (byte)(40 + 180 * y / h + rng.Next(16));
                row[3 * x + 2] = (byte)(90 + 60 * Math.Sin(x * 0.01 + y * 0.013) + rng.Next(16));
                double d = Math.Sqrt(Math.Pow((x + 0.5 - cx) / rx, 2) + Math.Pow((y + 0.5 - cy) / ry, 2));
                alpha[y * w + x] = (float)Math.Clamp((1 - d) * rx / feather + 0.5, 0, 1);
            }
        });
        return (image, new Mask(w, h, alpha));
    }

    /// <summary>Median of <paramref name="values"/> (mean of the middle two for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
