using Harmonia.Core.Imaging;
using Harmonia.Models.S2CRNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PIH;

/// <summary>
/// The one path from images into PIH's networks, for inference and training alike: the curve net's fg crop and bg
/// through <see cref="S2CRNetInputs"/>, and the gain net's whole-image composite and mask thumbnails at G²
/// (<see cref="Thumbnail"/>: box reduction then antialiased bilinear, the image squeezed to a square; the gain grid
/// is stretched back over the image the same way when rendered).
/// </summary>
public static class PIHInputs
{
    /// <summary>The network inputs of one image.</summary>
    /// <param name="Fg">(1, 3, S, S) masked foreground crop.</param>
    /// <param name="Bg">(1, 3, S, S) masked background.</param>
    /// <param name="Composite">(1, 3, G, G) whole composite.</param>
    /// <param name="Mask">(1, 1, G, G) soft mask.</param>
    public sealed record Tensors(Tensor Fg, Tensor Bg, Tensor Composite, Tensor Mask) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose()
        {
            Fg.Dispose();
            Bg.Dispose();
            Composite.Dispose();
            Mask.Dispose();
        }
    }

    /// <summary>Inputs of <paramref name="composite"/> (8-bit RGB, any size) under <paramref name="mask"/> (same size).</summary>
    public static Tensors Of(RgbImage composite, Mask mask, PIHConfig config)
    {
        int s = config.InputSize, g = config.GainSize;
        var curveInput = new float[6 * s * s];
        S2CRNetInputs.Fill(composite, mask, s, curveInput);
        var full = (0, 0, composite.Width, composite.Height);
        var image = Thumbnail.Rgb(composite, full, g);
        var alpha = Thumbnail.Mask(mask, full, g);
        var planes = new float[3 * g * g];
        int plane = g * g;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++) planes[c * plane + i] = image.Pixels[3 * i + c] / 255f;
        var both = torch.tensor(curveInput, new long[] { 2, 3, s, s });
        var result = new Tensors(both.narrow(0, 0, 1).contiguous(), both.narrow(0, 1, 1).contiguous(),
            torch.tensor(planes, new long[] { 1, 3, g, g }), torch.tensor(alpha.Alpha, new long[] { 1, 1, g, g }));
        both.Dispose();
        return result;
    }

    /// <summary>
    /// Inputs of a training batch: composite (N, 3, H, W) and mask (N, 1, H, W) in [0, 1] are turned back into the 8-bit
    /// images they were decoded from and go through <see cref="Of"/>, so training sees what inference sees.
    /// Returns batched tensors (N, …).
    /// </summary>
    public static Tensors FromBatch(Tensor composite, Tensor mask, PIHConfig config)
    {
        long n = composite.shape[0];
        int h = (int)composite.shape[2], w = (int)composite.shape[3];
        float[] pixels, alpha;
        using (torch.no_grad())
        {
            pixels = composite.permute(0, 2, 3, 1).contiguous().data<float>().ToArray();
            alpha = mask.contiguous().data<float>().ToArray();
        }
        var parts = new Tensors[n];
        Parallel.For(0, (int)n, i =>
        {
            var image = new RgbImage(w, h);
            int offset = i * w * h * 3;
            for (int j = 0; j < w * h * 3; j++)
            {
                float v = pixels[offset + j];
                image.Pixels[j] = v >= 1f ? (byte)255 : v > 0f ? (byte)(v * 255f + 0.5f) : (byte)0;
            }
            parts[i] = Of(image, new Mask(w, h, alpha.AsSpan(i * w * h, w * h).ToArray()), config);
        });
        try
        {
            return new Tensors(torch.cat(parts.Select(p => p.Fg).ToArray(), 0), torch.cat(parts.Select(p => p.Bg).ToArray(), 0),
                torch.cat(parts.Select(p => p.Composite).ToArray(), 0), torch.cat(parts.Select(p => p.Mask).ToArray(), 0));
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
