using System.Buffers;
using Harmonia.Core.Imaging;

namespace Harmonia.Core.Rendering;

/// <summary>
/// Renders <c>out = f(c)·m + c·(1 − m)</c> at full resolution: f is applied only on runs of pixels whose alpha is
/// above zero, rows are processed in parallel, and pixels with alpha exactly 0 are copied byte for byte.
/// </summary>
public static class ForegroundRenderer
{
    const int RowsPerTask = 8;

    /// <summary>Applies <paramref name="transform"/> under the mask into a new image.</summary>
    /// <param name="composite">W x H RGB.</param>
    /// <param name="mask">W x H soft alpha.</param>
    /// <param name="transform">The foreground colour mapping.</param>
    public static RgbImage Render(RgbImage composite, Mask mask, IColorTransform transform)
    {
        var output = new RgbImage(composite.Width, composite.Height);
        Render(composite, mask, transform, output);
        return output;
    }

    /// <summary>Same as <see cref="Render(RgbImage, Mask, IColorTransform)"/> into a caller-owned buffer (reuse it on hot paths).</summary>
    public static void Render(RgbImage composite, Mask mask, IColorTransform transform, RgbImage destination)
    {
        CheckSizes(composite, mask, destination);
        int w = composite.Width, h = composite.Height;
        int blocks = (h + RowsPerTask - 1) / RowsPerTask;
        Parallel.For(0, blocks, block =>
        {
            var scratch = ArrayPool<byte>.Shared.Rent(w * 3);
            try
            {
                int end = Math.Min(h, (block + 1) * RowsPerTask);
                for (int y = block * RowsPerTask; y < end; y++)
                {
                    var src = composite.Row(y);
                    var dst = destination.Row(y);
                    var alpha = mask.Alpha.AsSpan(y * w, w);
                    int x = 0;
                    while (NextRun(alpha, src, dst, ref x, out int start, out int length))
                    {
                        var runSrc = src.Slice(start * 3, length * 3);
                        var fg = scratch.AsSpan(0, length * 3);
                        transform.Apply(runSrc, fg);
                        BlendRun(runSrc, fg, alpha.Slice(start, length), dst.Slice(start * 3, length * 3));
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        });
    }

    /// <summary>
    /// Blends a full-size foreground image (e.g. a network's output brought to full resolution) over the composite
    /// with the soft mask; alpha-0 pixels are copied from the composite.
    /// </summary>
    public static RgbImage Blend(RgbImage composite, RgbImage foreground, Mask mask)
    {
        var output = new RgbImage(composite.Width, composite.Height);
        CheckSizes(composite, mask, output);
        if (foreground.Width != composite.Width || foreground.Height != composite.Height)
            throw new ArgumentException("Foreground and composite sizes differ.");
        int w = composite.Width;
        Parallel.For(0, composite.Height, y =>
        {
            var src = composite.Row(y);
            var fgRow = foreground.Row(y);
            var dst = output.Row(y);
            var alpha = mask.Alpha.AsSpan(y * w, w);
            int x = 0;
            while (NextRun(alpha, src, dst, ref x, out int start, out int length))
                BlendRun(src.Slice(start * 3, length * 3), fgRow.Slice(start * 3, length * 3),
                    alpha.Slice(start, length), dst.Slice(start * 3, length * 3));
        });
        return output;
    }

    /// <summary>
    /// From position <paramref name="x"/>, copies the next alpha-0 stretch from src to dst, then returns the following
    /// stretch with alpha &gt; 0 as (start, length). False when the row is done.
    /// </summary>
    static bool NextRun(ReadOnlySpan<float> alpha, ReadOnlySpan<byte> src, Span<byte> dst, ref int x, out int start, out int length)
    {
        int w = alpha.Length;
        int gap = x;
        while (x < w && alpha[x] <= 0f) x++;
        if (x > gap) src.Slice(gap * 3, (x - gap) * 3).CopyTo(dst.Slice(gap * 3, (x - gap) * 3));
        start = x;
        while (x < w && alpha[x] > 0f) x++;
        length = x - start;
        return length > 0;
    }

    /// <summary>dst = round(fg·a + src·(1 − a)) per channel; a = 1 takes fg as is.</summary>
    static void BlendRun(ReadOnlySpan<byte> src, ReadOnlySpan<byte> fg, ReadOnlySpan<float> alpha, Span<byte> dst)
    {
        for (int i = 0; i < alpha.Length; i++)
        {
            float a = alpha[i];
            int o = i * 3;
            if (a >= 1f)
            {
                dst[o] = fg[o];
                dst[o + 1] = fg[o + 1];
                dst[o + 2] = fg[o + 2];
            }
            else
            {
                float b = 1f - a;
                dst[o] = (byte)(fg[o] * a + src[o] * b + 0.5f);
                dst[o + 1] = (byte)(fg[o + 1] * a + src[o + 1] * b + 0.5f);
                dst[o + 2] = (byte)(fg[o + 2] * a + src[o + 2] * b + 0.5f);
            }
        }
    }

    static void CheckSizes(RgbImage composite, Mask mask, RgbImage destination)
    {
        if (mask.Width != composite.Width || mask.Height != composite.Height)
            throw new ArgumentException($"Mask is {mask.Width}x{mask.Height} but the composite is {composite.Width}x{composite.Height}.");
        if (destination.Width != composite.Width || destination.Height != composite.Height)
            throw new ArgumentException("Destination size differs from the composite's.");
    }
}
