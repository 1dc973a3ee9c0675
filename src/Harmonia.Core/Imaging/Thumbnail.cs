using Harmonia.Core.Parallelism;

namespace Harmonia.Core.Imaging;

/// <summary>
/// Fast thumbnails of large images for networks: an integer-factor box average straight from the interleaved bytes
/// (parallel rows, no full-size float planes), then <see cref="Resize"/> (antialiased) to the exact size.
/// </summary>
public static class Thumbnail
{
    /// <summary>
    /// The region (x, y, w, h) of <paramref name="source"/> resized to <paramref name="size"/>²: first box-reduced by
    /// the largest integer factor that keeps at least 2·size pixels per side, then resized with <paramref name="filter"/>.
    /// </summary>
    public static RgbImage Rgb(RgbImage source, (int X, int Y, int Width, int Height) region, int size, ResizeFilter filter = ResizeFilter.Bilinear) =>
        Rgb(source, region, size, size, filter);

    /// <summary>
    /// The region of <paramref name="source"/> resized to <paramref name="width"/> x <paramref name="height"/>: box-reduced
    /// by the largest integer factor that keeps at least twice the target on each side, then resized with <paramref name="filter"/>.
    /// </summary>
    public static RgbImage Rgb(RgbImage source, (int X, int Y, int Width, int Height) region, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        var reduced = Reduce(source, region, Factor(region.Width, region.Height, width, height));
        return reduced.Width == width && reduced.Height == height ? reduced : Resize.Rgb(reduced, width, height, filter);
    }

    /// <summary>
    /// The region (x, y, w, h) of <paramref name="source"/> averaged over <paramref name="f"/> x <paramref name="f"/>
    /// boxes: (w / f) x (h / f) pixels (a remainder narrower than a box is dropped), each rounded to the nearest byte.
    /// </summary>
    public static RgbImage Reduce(RgbImage source, (int X, int Y, int Width, int Height) region, int f)
    {
        int w = region.Width / f, h = region.Height / f;
        var reduced = new RgbImage(w, h);
        ParallelRows.For<BoxRgbRows, int>(h, w * f * f, new BoxRgbRows(source, region.X, region.Y, f, reduced));
        return reduced;
    }

    /// <summary>The same reduction for a mask's soft alpha.</summary>
    public static Mask Mask(Mask source, (int X, int Y, int Width, int Height) region, int size, ResizeFilter filter = ResizeFilter.Bilinear) =>
        Mask(source, region, size, size, filter);

    /// <summary>The same reduction for a mask's soft alpha, to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static Mask Mask(Mask source, (int X, int Y, int Width, int Height) region, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        var reduced = Reduce(source, region, Factor(region.Width, region.Height, width, height));
        return reduced.Width == width && reduced.Height == height ? reduced : Resize.Mask(reduced, width, height, filter);
    }

    /// <summary>The same box average as the RGB <c>Reduce</c>, for a mask's soft alpha (threshold kept).</summary>
    public static Mask Reduce(Mask source, (int X, int Y, int Width, int Height) region, int f)
    {
        int w = region.Width / f, h = region.Height / f;
        var alpha = new float[w * h];
        ParallelRows.For(h, w * f * f, new BoxMaskRows(source, region.X, region.Y, f, alpha, w));
        return new Mask(w, h, alpha, source.Threshold);
    }

    /// <summary>Row ty of the box-reduced image: the f x f block sums of the region, averaged (scratch: one row of sums).</summary>
    readonly struct BoxRgbRows(RgbImage source, int x0, int y0, int f, RgbImage reduced) : IRowOperation<int>
    {
        public int BufferLength => reduced.Stride;

        public void Invoke(int ty, Span<int> sums)
        {
            int w = reduced.Width, srcStride = source.Stride;
            var src = source.Pixels;
            float inv = 1f / (f * f);
            sums.Clear();
            for (int dy = 0; dy < f; dy++)
            {
                int rowStart = (y0 + ty * f + dy) * srcStride + x0 * 3;
                for (int tx = 0; tx < w; tx++)
                {
                    int o = rowStart + tx * f * 3;
                    int r = 0, g = 0, b = 0;
                    for (int dx = 0; dx < f; dx++, o += 3)
                    {
                        r += src[o];
                        g += src[o + 1];
                        b += src[o + 2];
                    }
                    sums[tx * 3] += r;
                    sums[tx * 3 + 1] += g;
                    sums[tx * 3 + 2] += b;
                }
            }
            var dst = reduced.Row(ty);
            for (int i = 0; i < dst.Length; i++) dst[i] = (byte)(sums[i] * inv + 0.5f);
        }
    }

    readonly struct BoxMaskRows(Mask source, int x0, int y0, int f, float[] alpha, int w) : IRowOperation
    {
        public void Invoke(int ty)
        {
            var src = source.Alpha;
            float inv = 1f / (f * f);
            for (int dy = 0; dy < f; dy++)
            {
                int rowStart = (y0 + ty * f + dy) * source.Width + x0;
                for (int tx = 0; tx < w; tx++)
                {
                    float s = 0;
                    int o = rowStart + tx * f;
                    for (int dx = 0; dx < f; dx++) s += src[o + dx];
                    alpha[ty * w + tx] += s;
                }
            }
            for (int tx = 0; tx < w; tx++) alpha[ty * w + tx] *= inv;
        }
    }

    static int Factor(int width, int height, int targetWidth, int targetHeight) =>
        Math.Max(1, Math.Min(width / (2 * targetWidth), height / (2 * targetHeight)));
}
