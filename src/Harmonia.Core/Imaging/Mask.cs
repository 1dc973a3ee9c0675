namespace Harmonia.Core.Imaging;

/// <summary>
/// A foreground mask: soft alpha in [0, 1] per pixel (1 = foreground), row-major, used as is for blending, plus a
/// binary view (<c>alpha &gt;= Threshold</c>) used for statistics and metrics.
/// </summary>
public sealed class Mask
{
    /// <summary>The default threshold of the binary view (the CLI's <c>--mask-threshold</c>).</summary>
    public const float DefaultThreshold = 0.5f;

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Soft alpha per pixel in [0, 1], row-major, length <c>Width * Height</c>.</summary>
    public float[] Alpha { get; }
    /// <summary>Threshold of the binary view, in (0, 1].</summary>
    public float Threshold { get; }

    /// <summary>Wraps an alpha buffer (not copied). Values must lie in [0, 1].</summary>
    public Mask(int width, int height, float[] alpha, float threshold = DefaultThreshold)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Mask size must be positive.");
        if (alpha.Length != width * height) throw new ArgumentException($"Expected {width * height} alpha values, got {alpha.Length}.", nameof(alpha));
        if (!(threshold > 0f && threshold <= 1f)) throw new ArgumentOutOfRangeException(nameof(threshold), "Mask threshold must be in (0, 1].");
        Width = width;
        Height = height;
        Alpha = alpha;
        Threshold = threshold;
    }

    /// <summary>The same alpha with another binary threshold.</summary>
    public Mask WithThreshold(float threshold) => new(Width, Height, Alpha, threshold);

    /// <summary>Whether pixel <paramref name="index"/> is foreground in the binary view.</summary>
    public bool IsForeground(int index) => Alpha[index] >= Threshold;

    /// <summary>Number of foreground pixels in the binary view.</summary>
    public int ForegroundCount()
    {
        int n = 0;
        float t = Threshold;
        foreach (var a in Alpha) if (a >= t) n++;
        return n;
    }

    /// <summary>Foreground fraction of the binary view, in [0, 1].</summary>
    public double ForegroundRatio() => ForegroundCount() / (double)Alpha.Length;

    /// <summary>The binary view as 0/1 bytes.</summary>
    public byte[] ToBinary()
    {
        var b = new byte[Alpha.Length];
        for (int i = 0; i < b.Length; i++) b[i] = Alpha[i] >= Threshold ? (byte)1 : (byte)0;
        return b;
    }

    /// <summary>Bounding box (x, y, width, height) of the binary foreground, or null when it is empty.</summary>
    public (int X, int Y, int Width, int Height)? ForegroundBounds()
    {
        int x0 = Width, y0 = Height, x1 = -1, y1 = -1;
        for (int y = 0; y < Height; y++)
        {
            int row = y * Width;
            for (int x = 0; x < Width; x++)
            {
                if (Alpha[row + x] < Threshold) continue;
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                y1 = y;
            }
        }
        return x1 < 0 ? null : (x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    /// <summary>A mask of constant alpha.</summary>
    public static Mask Filled(int width, int height, float alpha, float threshold = DefaultThreshold)
    {
        var a = new float[width * height];
        Array.Fill(a, alpha);
        return new Mask(width, height, a, threshold);
    }
}
