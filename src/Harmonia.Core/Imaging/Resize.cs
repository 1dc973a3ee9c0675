using Harmonia.Core.Parallelism;
namespace Harmonia.Core.Imaging;

/// <summary>Resampling filters.</summary>
public enum ResizeFilter
{
    /// <summary>Nearest neighbour: the source pixel whose centre is closest (floor of the mapped centre).</summary>
    Nearest,
    /// <summary>Box filter: the area average when shrinking.</summary>
    Box,
    /// <summary>Triangle (bilinear) filter.</summary>
    Bilinear,
    /// <summary>Keys cubic with a = -0.5 (as PIL's BICUBIC).</summary>
    Bicubic,
}

/// <summary>
/// Separable resampling of RGB images and masks, antialiased when shrinking (the filter's support is scaled by
/// the reduction factor, as PIL does), pixel centres aligned (x_src = (x_dst + 0.5)·scale − 0.5).
/// Rows run in parallel.
/// </summary>
public static class Resize
{
    /// <summary>Resizes an RGB image to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static RgbImage Rgb(RgbImage source, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        if (width == source.Width && height == source.Height) return source.Clone();
        var planes = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            var p = new float[source.PixelCount];
            for (int i = 0; i < p.Length; i++) p[i] = source.Pixels[3 * i + c];
            planes[c] = Plane(p, source.Width, source.Height, width, height, filter);
        }
        var result = new RgbImage(width, height);
        var dst = result.Pixels;
        for (int i = 0; i < width * height; i++)
            for (int c = 0; c < 3; c++)
                dst[3 * i + c] = (byte)Math.Clamp(MathF.Round(planes[c][i]), 0f, 255f);
        return result;
    }

    /// <summary>Resizes a mask's soft alpha (values stay in [0, 1]); the threshold is kept.</summary>
    public static Mask Mask(Mask source, int width, int height, ResizeFilter filter = ResizeFilter.Bilinear)
    {
        var a = Plane(source.Alpha, source.Width, source.Height, width, height, filter);
        for (int i = 0; i < a.Length; i++) a[i] = Math.Clamp(a[i], 0f, 1f);
        return new Mask(width, height, a, source.Threshold);
    }

    /// <summary>Resamples one float plane (row-major, <paramref name="sw"/> x <paramref name="sh"/>) to <paramref name="dw"/> x <paramref name="dh"/>.</summary>
    public static float[] Plane(float[] source, int sw, int sh, int dw, int dh, ResizeFilter filter)
    {
        if (dw <= 0 || dh <= 0) throw new ArgumentOutOfRangeException(nameof(dw), "Target size must be positive.");
        if (sw == dw && sh == dh) return (float[])source.Clone();
        var horizontal = Weights(sw, dw, filter);
        var vertical = Weights(sh, dh, filter);
        // Horizontal pass: sh rows of dw.
        var temp = new float[sh * dw];
        ParallelRows.For(sh, dw * 4, y =>
        {
            int srow = y * sw, trow = y * dw;
            for (int x = 0; x < dw; x++)
            {
                var (start, w) = horizontal[x];
                float s = 0f;
                for (int k = 0; k < w.Length; k++) s += w[k] * source[srow + start + k];
                temp[trow + x] = s;
            }
        });
        var result = new float[dw * dh];
        ParallelRows.For(dh, dw * 4, y =>
        {
            var (start, w) = vertical[y];
            int row = y * dw;
            for (int x = 0; x < dw; x++)
            {
                float s = 0f;
                for (int k = 0; k < w.Length; k++) s += w[k] * temp[(start + k) * dw + x];
                result[row + x] = s;
            }
        });
        return result;
    }

    /// <summary>For each output index: the first source index and the normalized weights of the taps.</summary>
    static (int Start, float[] Weights)[] Weights(int inSize, int outSize, ResizeFilter filter)
    {
        var table = new (int, float[])[outSize];
        double scale = inSize / (double)outSize;
        if (filter == ResizeFilter.Nearest)
        {
            for (int i = 0; i < outSize; i++)
                table[i] = (Math.Min(inSize - 1, (int)Math.Floor((i + 0.5) * scale)), [1f]);
            return table;
        }
        double support = filter switch { ResizeFilter.Box => 0.5, ResizeFilter.Bilinear => 1.0, _ => 2.0 };
        double stretch = Math.Max(1.0, scale);
        support *= stretch;
        for (int i = 0; i < outSize; i++)
        {
            double centre = (i + 0.5) * scale;
            int lo = Math.Max(0, (int)Math.Floor(centre - support));
            int hi = Math.Min(inSize, (int)Math.Ceiling(centre + support));
            var w = new double[Math.Max(1, hi - lo)];
            double sum = 0;
            for (int j = lo; j < hi; j++)
            {
                double v = Kernel(filter, (j + 0.5 - centre) / stretch);
                w[j - lo] = v;
                sum += v;
            }
            if (sum == 0) { lo = Math.Clamp((int)centre, 0, inSize - 1); table[i] = (lo, [1f]); continue; }
            table[i] = (lo, w.Select(v => (float)(v / sum)).ToArray());
        }
        return table;
    }

    static double Kernel(ResizeFilter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case ResizeFilter.Box:
                return x < 0.5 ? 1 : x == 0.5 ? 0.5 : 0;
            case ResizeFilter.Bilinear:
                return x < 1 ? 1 - x : 0;
            default:
                const double a = -0.5;
                if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
                if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
                return 0;
        }
    }
}
