using Harmonia.Core.Randomness;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;

namespace Harmonia.Training.Data;

/// <summary>
/// Writes a small synthetic iHarmony4-layout dataset for tests and benchmarks (never a training set):
/// <c>root/Synth/{composite_images,masks,real_images}</c> and <c>Synth_train.txt</c> / <c>Synth_test.txt</c>.
/// Real image i: R = horizontal ramp, G = vertical ramp, B = a per-image constant. Mask: a random axis-aligned
/// ellipse. Composite: the real image with its foreground's R and G scaled by a per-image gain, and its B channel
/// set to 255 on the foreground and 0 on the background, so the composite itself encodes the mask (tests check
/// crop/flip alignment with it).
/// </summary>
public static class SyntheticLayout
{
    /// <summary>The subset folder name.</summary>
    public const string Subset = "Synth";

    /// <summary>
    /// Writes <paramref name="count"/> samples of <paramref name="width"/> x <paramref name="height"/> to <paramref name="root"/>,
    /// images with <paramref name="extension"/> (".png" is lossless; ".jpg" like iHarmony4). Every 5th sample goes to the test list.
    /// Returns the composite file names.
    /// </summary>
    public static IReadOnlyList<string> Write(string root, int count, int width, int height, string extension = ".png", int seed = 1)
    {
        var dir = Path.Combine(root, Subset);
        foreach (var sub in new[] { IHarmony4Layout.Composites, IHarmony4Layout.Masks, IHarmony4Layout.Reals })
            Directory.CreateDirectory(Path.Combine(dir, sub));
        var names = new string[count];
        Parallel.For(0, count, i =>
        {
            var rng = SeededRandom.FromValues(seed, i);
            var real = new RgbImage(width, height);
            byte blue = (byte)rng.Next(40, 216);
            for (int y = 0; y < height; y++)
            {
                var row = real.Row(y);
                for (int x = 0; x < width; x++)
                {
                    row[3 * x] = (byte)(x * 255 / Math.Max(1, width - 1));
                    row[3 * x + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                    row[3 * x + 2] = blue;
                }
            }
            double cx = width * (0.3 + 0.4 * rng.NextDouble()), cy = height * (0.3 + 0.4 * rng.NextDouble());
            double rx = width * (0.12 + 0.2 * rng.NextDouble()), ry = height * (0.12 + 0.2 * rng.NextDouble());
            var alpha = new float[width * height];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
                    alpha[y * width + x] = dx * dx + dy * dy <= 1 ? 1f : 0f;
                }
            double gain = 0.6 + 0.8 * rng.NextDouble();
            var composite = real.Clone();
            for (int p = 0; p < alpha.Length; p++)
            {
                bool fg = alpha[p] > 0;
                if (fg)
                {
                    composite.Pixels[3 * p] = (byte)Math.Min(255, Math.Round(composite.Pixels[3 * p] * gain));
                    composite.Pixels[3 * p + 1] = (byte)Math.Min(255, Math.Round(composite.Pixels[3 * p + 1] * gain));
                }
                composite.Pixels[3 * p + 2] = fg ? (byte)255 : (byte)0;
            }
            var stem = $"s{i:D5}";
            names[i] = $"{stem}_1_1{extension}";
            ImageCodec.Write(real, Path.Combine(dir, IHarmony4Layout.Reals, stem + extension));
            ImageCodec.WriteMask(new Mask(width, height, alpha), Path.Combine(dir, IHarmony4Layout.Masks, $"{stem}_1.png"));
            ImageCodec.Write(composite, Path.Combine(dir, IHarmony4Layout.Composites, names[i]));
        });
        File.WriteAllLines(Path.Combine(dir, $"{Subset}_train.txt"), names.Where((_, i) => i % 5 != 4));
        File.WriteAllLines(Path.Combine(dir, $"{Subset}_test.txt"), names.Where((_, i) => i % 5 == 4));
        return names;
    }
}
