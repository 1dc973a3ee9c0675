using Harmonia.Core.Randomness;
using Harmonia.Core.Imaging;
using Harmonia.Models.PixelNetworks;

namespace Harmonia.Training.Data;

/// <summary>Where one sample's output window lies: the size it is resized to, the crop origin, and the flip.</summary>
/// <param name="Width">Width of the resized image.</param>
/// <param name="Height">Height of the resized image.</param>
/// <param name="CropX">Left of the Size x Size crop in the resized image.</param>
/// <param name="CropY">Top of the crop.</param>
/// <param name="Flip">Mirror horizontally after cropping.</param>
public readonly record struct SampleGeometry(int Width, int Height, int CropX, int CropY, bool Flip);

/// <summary>
/// Turns one decoded (composite, mask, real) triple into planar float tensors of the training size: resize, crop
/// (foreground-preserving when random), flip, mask binarization, then the optional scene look
/// (<see cref="LoaderOptions.SceneLook"/>). Pure function of its inputs and the given
/// <see cref="SeededRandom"/>, so the loader is deterministic.
/// </summary>
public static class SampleAugmenter
{
    static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(i => i / 255f).ToArray();

    /// <summary>
    /// Renders the sample into <paramref name="composite"/> and <paramref name="real"/> (3·Size² floats each, planar RGB in
    /// [0, 1]) and <paramref name="mask"/> (Size² floats in {0, 1}). Draws from <paramref name="rng"/> in a fixed order:
    /// scale, crop positions, flip, then the scene look (last, so enabling it leaves every sample's geometry as it was).
    /// Returns the geometry used.
    /// </summary>
    public static SampleGeometry Render(RgbImage compositeImage, Mask maskImage, RgbImage realImage, LoaderOptions options, SeededRandom rng,
        Span<float> composite, Span<float> mask, Span<float> real)
    {
        var geometry = RenderGeometry(compositeImage, maskImage, realImage, options, rng, composite, mask, real);
        if (options.Augment && options.SceneLook?.Draw(rng) is { } look)
        {
            int plane = options.Size * options.Size;
            look.ApplyPlanar(composite, plane, options.SceneLook.Scope == SceneLookScope.Scene ? mask : default);
            look.ApplyPlanar(real, plane);
        }
        return geometry;
    }

    static SampleGeometry RenderGeometry(RgbImage compositeImage, Mask maskImage, RgbImage realImage, LoaderOptions options, SeededRandom rng,
        Span<float> composite, Span<float> mask, Span<float> real)
    {
        int size = options.Size;
        if (options.Geometry == LoaderGeometry.LongSideFit) return RenderFitted(compositeImage, maskImage, realImage, options, rng, composite, mask, real);
        var (w, h) = ScaledSize(compositeImage.Width, compositeImage.Height, options, rng);
        var resizedMask = maskImage.Width == w && maskImage.Height == h ? maskImage : Resize.Mask(maskImage, w, h);
        var binary = new byte[w * h];
        var alpha = resizedMask.Alpha;
        for (int i = 0; i < binary.Length; i++) binary[i] = alpha[i] >= options.MaskThreshold ? (byte)1 : (byte)0;

        var (cx, cy) = ChooseCrop(binary, w, h, options, rng);
        bool flip = options.Augment && rng.NextDouble() < options.FlipProbability;
        var geometry = new SampleGeometry(w, h, cx, cy, flip);

        WritePlanar(Fit(compositeImage, w, h), geometry, size, composite);
        WritePlanar(Fit(realImage, w, h), geometry, size, real);
        for (int y = 0; y < size; y++)
        {
            int row = (cy + y) * w + cx;
            var dst = mask.Slice(y * size, size);
            for (int x = 0; x < size; x++) dst[flip ? size - 1 - x : x] = binary[row + x];
        }
        return geometry;
    }

    /// <summary>
    /// <see cref="LoaderGeometry.LongSideFit"/>: composite and mask through <see cref="WorkingImage.Prepare"/> and
    /// <see cref="WorkingImage.WritePadded"/>, the inference code itself; the real image resized the same way (<see cref="WorkingImage.WithSourceFrom"/>).
    /// Draws only the flip from <paramref name="rng"/>.
    /// </summary>
    static SampleGeometry RenderFitted(RgbImage compositeImage, Mask maskImage, RgbImage realImage, LoaderOptions options, SeededRandom rng,
        Span<float> composite, Span<float> mask, Span<float> real)
    {
        int size = options.Size;
        var thresholded = maskImage.WithThreshold(options.MaskThreshold);
        var input = WorkingImage.Prepare(compositeImage, thresholded, size);
        var target = input.WithSourceFrom(realImage);
        bool flip = options.Augment && rng.NextDouble() < options.FlipProbability;
        input.WritePadded(size, size, composite, mask, flip);
        target.WritePadded(size, size, real, Span<float>.Empty, flip);
        return new SampleGeometry(input.Width, input.Height, 0, 0, flip);
    }

    /// <summary>The resized size for a source of <paramref name="width"/> x <paramref name="height"/>: at least Size on both sides.</summary>
    internal static (int Width, int Height) ScaledSize(int width, int height, LoaderOptions options, SeededRandom rng)
    {
        int size = options.Size;
        if (options.Geometry == LoaderGeometry.Resize) return (size, size);
        double scale = options.Augment && options.MaxScale > 1 ? 1 + rng.NextDouble() * (options.MaxScale - 1) : 1;
        int shortSide = (int)Math.Round(size * scale);
        return width <= height
            ? (shortSide, Math.Max(shortSide, (int)Math.Round((double)height * shortSide / width)))
            : (Math.Max(shortSide, (int)Math.Round((double)width * shortSide / height)), shortSide);
    }

    /// <summary>
    /// Picks the crop origin: centre when not augmenting; otherwise random positions until one keeps at least
    /// <see cref="LoaderOptions.MinForegroundKept"/> of the foreground, falling back to the best one tried.
    /// </summary>
    internal static (int X, int Y) ChooseCrop(byte[] binary, int w, int h, LoaderOptions options, SeededRandom rng)
    {
        int size = options.Size;
        if (w == size && h == size) return (0, 0);
        if (!options.Augment) return ((w - size) / 2, (h - size) / 2);

        // Summed-area table of the binary mask: foreground inside any crop in O(1).
        var sat = new int[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++)
        {
            int rowSum = 0;
            for (int x = 0; x < w; x++)
            {
                rowSum += binary[y * w + x];
                sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1] + rowSum;
            }
        }
        int total = sat[^1];
        (int X, int Y) best = (0, 0);
        int bestKept = -1;
        for (int attempt = 0; attempt < options.CropAttempts; attempt++)
        {
            int x0 = rng.Next(w - size + 1), y0 = rng.Next(h - size + 1);
            int kept = sat[(y0 + size) * (w + 1) + x0 + size] - sat[y0 * (w + 1) + x0 + size]
                       - sat[(y0 + size) * (w + 1) + x0] + sat[y0 * (w + 1) + x0];
            if (kept > bestKept) (best, bestKept) = ((x0, y0), kept);
            if (total == 0 || kept >= options.MinForegroundKept * total) break;
        }
        return best;
    }

    static RgbImage Fit(RgbImage image, int w, int h) =>
        image.Width == w && image.Height == h ? image : Resize.Rgb(image, w, h);

    static void WritePlanar(RgbImage image, SampleGeometry g, int size, Span<float> destination)
    {
        var plane = size * size;
        var px = image.Pixels;
        var lut = ByteToUnit;
        for (int y = 0; y < size; y++)
        {
            int src = ((g.CropY + y) * image.Width + g.CropX) * 3;
            int rowStart = y * size;
            for (int x = 0; x < size; x++, src += 3)
            {
                int dx = rowStart + (g.Flip ? size - 1 - x : x);
                destination[dx] = lut[px[src]];
                destination[plane + dx] = lut[px[src + 1]];
                destination[2 * plane + dx] = lut[px[src + 2]];
            }
        }
    }
}
