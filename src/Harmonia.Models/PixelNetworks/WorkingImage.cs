using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Core.Transfer;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Models.PixelNetworks;

/// <summary>
/// The working-resolution input of a pixel-to-pixel network (PHNet, contrastive) and the way its output reaches full
/// resolution. <see cref="Prepare"/> resizes the composite so its long side is at most <c>workingSize</c> (aspect ratio
/// kept, never upsampled) and binarizes the resized mask at the mask's threshold, as in training;
/// <see cref="Run"/> pads the image (edges replicated, padding mask 0) to the network's size multiple, runs the network
/// without gradients and returns its output cropped and clamped; <see cref="FitField"/> turns input and output into a
/// <see cref="LocalAffineColorTransfer"/> field, which <see cref="ForegroundRenderer"/> applies to the full-resolution
/// pixels (so detail is never upscaled).
/// </summary>
/// <param name="Source">Interleaved RGB in [0, 1], <c>Width·Height·3</c> values.</param>
/// <param name="Binary">Mask binarized at its threshold, 0 or 1, <c>Width·Height</c> values.</param>
/// <param name="Width">Working width in pixels.</param>
/// <param name="Height">Working height in pixels.</param>
public sealed record WorkingImage(float[] Source, float[] Binary, int Width, int Height)
{
    /// <summary>Whether any working-resolution pixel is foreground (else the network has nothing to change).</summary>
    public bool HasForeground => Binary.Any(v => v > 0);

    /// <summary>The composite and mask at the working resolution (long side = min(<paramref name="workingSize"/>, image's long side)).</summary>
    public static WorkingImage Prepare(RgbImage composite, Mask mask, int workingSize)
    {
        int w = composite.Width, h = composite.Height;
        // The network never runs above the image's own size: a large working size on a small image would only upsample it.
        double scale = Math.Min(workingSize, Math.Max(w, h)) / (double)Math.Max(w, h);
        int lw = Math.Max(1, (int)Math.Round(w * scale)), lh = Math.Max(1, (int)Math.Round(h * scale));
        var lowMask = Resize.Mask(mask, lw, lh, ResizeFilter.Bilinear);
        var binary = new float[lw * lh];
        for (int i = 0; i < binary.Length; i++) binary[i] = lowMask.Alpha[i] >= mask.Threshold ? 1f : 0f;
        return new WorkingImage(Scaled(composite, lw, lh), binary, lw, lh);
    }

    /// <summary>
    /// Another image of the composite's size (e.g. the real photo of a training pair) at this working size with this
    /// mask: resized exactly as <see cref="Prepare"/> resizes the composite.
    /// </summary>
    public WorkingImage WithSourceFrom(RgbImage image) => this with { Source = Scaled(image, Width, Height) };

    /// <summary><paramref name="image"/> resized (bilinear) to <paramref name="width"/> x <paramref name="height"/>, interleaved RGB in [0, 1].</summary>
    static float[] Scaled(RgbImage image, int width, int height)
    {
        var low = Resize.Rgb(image, width, height, ResizeFilter.Bilinear);
        var source = new float[width * height * 3];
        for (int i = 0; i < source.Length; i++) source[i] = low.Pixels[i] / 255f;
        return source;
    }

    /// <summary>
    /// Runs <paramref name="network"/> (image (1, 3, H, W) in [0, 1], mask (1, 1, H, W) → image (1, 3, H, W)) on this
    /// image replicate-padded to multiples of <paramref name="sizeMultiple"/>; returns its output, interleaved like
    /// <see cref="Source"/>, clamped to [0, 1]. Not thread-safe for one network: callers serialize.
    /// </summary>
    public float[] Run(int sizeMultiple, Func<Tensor, Tensor, Tensor> network)
    {
        int lw = Width, lh = Height, m = sizeMultiple;
        int pw = (lw + m - 1) / m * m, ph = (lh + m - 1) / m * m;
        var planar = new float[3 * pw * ph];
        var planarMask = new float[pw * ph];
        WritePadded(pw, ph, planar, planarMask);
        var result = GcPause.Run(() =>
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var output = network(tensor(planar, new long[] { 1, 3, ph, pw }), tensor(planarMask, new long[] { 1, 1, ph, pw }));
            return output.data<float>().ToArray();
        });
        var interleaved = new float[lw * lh * 3];
        for (int y = 0; y < lh; y++)
            for (int x = 0; x < lw; x++)
                for (int c = 0; c < 3; c++) interleaved[(y * lw + x) * 3 + c] = Math.Clamp(result[(c * ph + y) * pw + x], 0f, 1f);
        return interleaved;
    }

    /// <summary>
    /// Writes this image planar (3, <paramref name="paddedHeight"/>, <paramref name="paddedWidth"/>) into
    /// <paramref name="planar"/> and its binary mask (<paramref name="paddedHeight"/>, <paramref name="paddedWidth"/>)
    /// into <paramref name="planarMask"/> (skipped when empty): the image at the top left, right and bottom edges
    /// replicated into the padding, whose mask is 0. This is how every network input is laid out, in inference
    /// (<see cref="Run"/>) and in training (the loader's long-side-fit geometry), so the two cannot drift apart.
    /// </summary>
    /// <param name="mirrored">Mirror the image left-right before padding (training augmentation; the padding stays right).</param>
    public void WritePadded(int paddedWidth, int paddedHeight, Span<float> planar, Span<float> planarMask, bool mirrored = false)
    {
        int lw = Width, lh = Height, pw = paddedWidth, ph = paddedHeight;
        if (pw < lw || ph < lh) throw new ArgumentException($"Padded size {pw}x{ph} is smaller than the image ({lw}x{lh}).");
        if (planar.Length != 3 * pw * ph || (planarMask.Length != 0 && planarMask.Length != pw * ph))
            throw new ArgumentException("Destination spans do not match the padded size.");
        for (int y = 0; y < ph; y++)
        {
            int sy = Math.Min(y, lh - 1);
            for (int x = 0; x < pw; x++)
            {
                int sx = Math.Min(x, lw - 1);
                if (mirrored) sx = lw - 1 - sx;
                for (int c = 0; c < 3; c++) planar[(c * ph + y) * pw + x] = Source[(sy * lw + sx) * 3 + c];
                if (planarMask.Length != 0) planarMask[y * pw + x] = y < lh && x < lw ? Binary[sy * lw + sx] : 0f;
            }
        }
    }

    /// <summary>The local affine field (grid cell <paramref name="cellSize"/> working pixels) mapping <see cref="Source"/> to <paramref name="target"/> over the foreground.</summary>
    public LocalAffineParameters FitField(float[] target, int cellSize) =>
        new(LocalAffineColorTransfer.Fit(Source, target, Binary, Width, Height, cellSize));

    /// <summary>The identity field for this working size (nothing to change).</summary>
    public LocalAffineParameters IdentityField(int cellSize) => new(LocalAffineColorTransfer.Identity(Width, Height, cellSize));
}
