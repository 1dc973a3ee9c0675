using Harmonia.Core.Imaging;
using Harmonia.Core.Parallelism;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// The one path from an image into the S²CRNet encoder, used by inference (<see cref="S2CRNetHarmonizer"/>), by
/// training (<see cref="FromBatch"/>) and by the feature cache: fg = composite·alpha cropped to the bounding box of the
/// mask's binary view and reduced to S² (<see cref="Thumbnail"/>: integer box reduction, then antialiased bilinear),
/// bg = composite·(1 − alpha) of the whole image reduced the same way. Resize first, multiply second: alpha is
/// reduced with the image, so fg and bg stay complementary at every thumbnail pixel. With a source side
/// (<see cref="S2CRNetConfig.SourceSide"/>) a larger image is first reduced to it (<see cref="AtSourceSide"/>).
/// </summary>
public static class S2CRNetInputs
{
    /// <summary>
    /// Writes fg then bg, planar RGB in [0, 1], into <paramref name="destination"/>: (2, 3, S, S) floats, S =
    /// <paramref name="size"/>. An empty binary view uses the whole image as the fg crop.
    /// </summary>
    /// <param name="composite">8-bit RGB, any W x H.</param>
    /// <param name="mask">Same W x H.</param>
    /// <param name="size">Thumbnail side S.</param>
    /// <param name="destination">At least 6·S² floats.</param>
    /// <param name="sourceSide">Short side the image is first reduced to when longer (<see cref="S2CRNetConfig.SourceSide"/>); 0 = never.</param>
    public static void Fill(RgbImage composite, Mask mask, int size, Span<float> destination, int sourceSide = 0)
    {
        if (destination.Length < 6 * size * size) throw new ArgumentException("The destination holds 2 x 3 x S x S floats.", nameof(destination));
        (composite, mask) = AtSourceSide(composite, mask, sourceSide);
        var bounds = mask.ForegroundBounds() ?? (0, 0, composite.Width, composite.Height);
        var full = (0, 0, composite.Width, composite.Height);
        RgbImage fgImage = null!, bgImage = null!;
        Mask fgMask = null!, bgMask = null!;
        Action[] parts =
        [
            () => fgImage = Thumbnail.Rgb(composite, bounds, size),
            () => fgMask = Thumbnail.Mask(mask, bounds, size),
            () => bgImage = Thumbnail.Rgb(composite, full, size),
            () => bgMask = Thumbnail.Mask(mask, full, size),
        ];
        // Small images (training samples) run sequentially: task scheduling would cost more than the work.
        if ((long)composite.Width * composite.Height >= ParallelRows.SequentialBelowPixels) Parallel.Invoke(parts);
        else foreach (var part in parts) part();
        int plane = size * size;
        Write(fgImage, fgMask, foreground: true, destination[..(3 * plane)]);
        Write(bgImage, bgMask, foreground: false, destination.Slice(3 * plane, 3 * plane));
    }

    /// <summary>
    /// The composite and mask reduced so their short side is <paramref name="sourceSide"/> (aspect kept), when it is
    /// longer; unchanged otherwise or when <paramref name="sourceSide"/> is 0.
    /// </summary>
    public static (RgbImage Composite, Mask Mask) AtSourceSide(RgbImage composite, Mask mask, int sourceSide)
    {
        int shortSide = Math.Min(composite.Width, composite.Height);
        if (sourceSide <= 0 || shortSide <= sourceSide) return (composite, mask);
        double k = sourceSide / (double)shortSide;
        int w = Math.Max(1, (int)Math.Round(composite.Width * k)), h = Math.Max(1, (int)Math.Round(composite.Height * k));
        var full = (0, 0, composite.Width, composite.Height);
        return (Thumbnail.Rgb(composite, full, w, h), Thumbnail.Mask(mask, full, w, h));
    }

    static void Write(RgbImage image, Mask alpha, bool foreground, Span<float> planes)
    {
        int plane = image.Width * image.Height;
        var px = image.Pixels;
        var a = alpha.Alpha;
        for (int i = 0; i < plane; i++)
        {
            float k = (foreground ? a[i] : 1f - a[i]) / 255f;
            planes[i] = px[3 * i] * k;
            planes[plane + i] = px[3 * i + 1] * k;
            planes[2 * plane + i] = px[3 * i + 2] * k;
        }
    }

    /// <summary>
    /// The encoder inputs of a training batch, through <see cref="Fill"/>: each sample's tensors are turned back into
    /// the 8-bit image and mask they were decoded from (values k/255), so training sees exactly what inference sees.
    /// composite: (N, 3, H, W) in [0, 1]; mask: (N, 1, H, W) in [0, 1]. Returns fg, bg: (N, 3, S, S).
    /// </summary>
    public static (Tensor Fg, Tensor Bg) FromBatch(Tensor composite, Tensor mask, int size, int sourceSide = 0)
    {
        long n = composite.shape[0];
        int h = (int)composite.shape[2], w = (int)composite.shape[3];
        int plane = size * size;
        var buffer = new float[n * 6 * plane];
        float[] pixels, alpha;
        using (torch.no_grad())
        {
            pixels = composite.permute(0, 2, 3, 1).contiguous().data<float>().ToArray();
            alpha = mask.contiguous().data<float>().ToArray();
        }
        Parallel.For(0, (int)n, i =>
        {
            var image = new RgbImage(w, h);
            int offset = i * w * h * 3;
            for (int j = 0; j < w * h * 3; j++) image.Pixels[j] = ToByte(pixels[offset + j]);
            var m = new Mask(w, h, alpha.AsSpan(i * w * h, w * h).ToArray());
            Fill(image, m, size, buffer.AsSpan(i * 6 * plane, 6 * plane), sourceSide);
        });
        var all = torch.tensor(buffer, new long[] { n, 2, 3, size, size });
        var fg = all.select(1, 0).contiguous();
        var bg = all.select(1, 1).contiguous();
        all.Dispose();
        return (fg, bg);
    }

    static byte ToByte(float v) => v >= 1f ? (byte)255 : v > 0f ? (byte)(v * 255f + 0.5f) : (byte)0;

    /// <summary>(N) int64 class indices → (N, 5) float one-hot.</summary>
    public static Tensor OneHot(Tensor labels) =>
        nn.functional.one_hot(labels.clamp(TorchScalars.OfInteger(0), TorchScalars.OfInteger(S2CRNetConfig.ClassCount - 1)), S2CRNetConfig.ClassCount).to_type(ScalarType.Float32);
}
