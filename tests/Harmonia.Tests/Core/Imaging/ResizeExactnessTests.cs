using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Imaging;

/// <summary>
/// The horizontal pass runs eight rows per vector (EightRowResampler) where the CPU allows it; these tests hold it to
/// the plain definition, tap by tap in order, so resized images (network inputs, thumbnails) keep their exact bytes.
/// </summary>
public sealed class ResizeExactnessTests
{
    /// <summary>Noise over a gradient: rounding ties fall anywhere.</summary>
    static RgbImage Noisy(int w, int h, int seed)
    {
        var rng = new Random(seed);
        var image = TestImages.Gradient(w, h, seed);
        for (int i = 0; i < image.Pixels.Length; i++) image.Pixels[i] = (byte)Math.Clamp(image.Pixels[i] + rng.Next(-40, 41), 0, 255);
        return image;
    }

    /// <summary>Horizontal then vertical pass written out directly: Σ_k w_k·v(start + k), one float add per tap, in tap order.</summary>
    static float[] ReferencePlanes(float[] values, int sw, int sh, int channels, int dw, int dh, ResizeFilter filter)
    {
        var across = Resize.Weights(sw, dw, filter);
        var down = Resize.Weights(sh, dh, filter);
        var rows = new float[sh * dw * channels];
        for (int y = 0; y < sh; y++)
            for (int x = 0; x < dw; x++)
                for (int c = 0; c < channels; c++)
                {
                    var (start, w) = across[x];
                    float s = 0f;
                    for (int k = 0; k < w.Length; k++) s += w[k] * values[(y * sw + start + k) * channels + c];
                    rows[(y * dw + x) * channels + c] = s;
                }
        var result = new float[dw * dh * channels];
        for (int y = 0; y < dh; y++)
            for (int i = 0; i < dw * channels; i++) result[y * dw * channels + i] = Resize.VerticalTap(rows, down[y], dw * channels, i);
        return result;
    }

    [Theory]
    [InlineData(517, 133, 64, 17, ResizeFilter.Bilinear)]    // a large shrink: many taps, a partial last group of rows
    [InlineData(517, 133, 64, 17, ResizeFilter.Bicubic)]
    [InlineData(203, 40, 101, 23, ResizeFilter.Box)]
    [InlineData(31, 19, 70, 45, ResizeFilter.Bilinear)]      // upscaling: two taps, a row length not a multiple of 8
    [InlineData(64, 16, 13, 16, ResizeFilter.Nearest)]       // exactly two groups of rows, width changes only
    public void Rgb_and_mask_equal_the_tap_by_tap_definition(int sw, int sh, int dw, int dh, ResizeFilter filter)
    {
        var image = Noisy(sw, sh, sw + dw);
        var expected = ReferencePlanes(image.Pixels.Select(b => (float)b).ToArray(), sw, sh, 3, dw, dh, filter).Select(Resize.ToByte).ToArray();
        var resized = Resize.Rgb(image, dw, dh, filter);
        Assert.Equal(expected, resized.Pixels);

        var alpha = Enumerable.Range(0, sw * sh).Select(i => (float)((i * 7919 % 1000) / 999.0)).ToArray();
        var plane = ReferencePlanes(alpha, sw, sh, 1, dw, dh, filter);
        Assert.Equal(plane, Resize.Plane(alpha, sw, sh, dw, dh, filter));
        // Changing any tap's order would move some of these sums by an ulp; the definition is met bit for bit.
        Assert.Contains(expected, v => v is > 0 and < 255);
    }
}
