namespace Harmonia.Data.Color;

/// <summary>
/// Colour helpers shared by the perturbation families: sRGB transfer functions, Rec.601 luma, and Reinhard's lαβ
/// space (RGB → LMS → log10 → decorrelated lαβ, Reinhard et al. 2001). Values are in [0, 1] unless stated.
/// A deliberately small local copy: the lead may later unify it with the classical harmonizers' colour code.
/// </summary>
public static class ColorMath
{
    static readonly float[] SrgbToLinearLut = BuildLut();

    static float[] BuildLut()
    {
        var lut = new float[256];
        for (int i = 0; i < 256; i++) lut[i] = SrgbToLinear(i / 255f);
        return lut;
    }

    /// <summary>Linear light of an 8-bit sRGB value (table lookup).</summary>
    public static float LinearOf(byte v) => SrgbToLinearLut[v];

    /// <summary>sRGB-encoded [0,1] → linear light [0,1].</summary>
    public static float SrgbToLinear(float c) => c <= 0.04045f ? c / 12.92f : MathF.Pow((c + 0.055f) / 1.055f, 2.4f);

    /// <summary>Linear light → sRGB-encoded; values above 1 are allowed (clip later).</summary>
    public static float LinearToSrgb(float c) => c <= 0.0031308f ? c * 12.92f : 1.055f * MathF.Pow(c, 1f / 2.4f) - 0.055f;

    /// <summary>Rec.601 luma.</summary>
    public static float Luma(float r, float g, float b) => 0.299f * r + 0.587f * g + 0.114f * b;

    /// <summary>Rounds a [0,1] value to a byte with clipping.</summary>
    public static byte ToByte(float v) => v <= 0f ? (byte)0 : v >= 1f ? (byte)255 : (byte)(v * 255f + 0.5f);

    /// <summary>Rounds a [0,255] value to a byte with clipping.</summary>
    public static byte ToByte255(double v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(v + 0.5);

    // Small positive floor so log10 stays finite on black pixels.
    const double LmsFloor = 1.0 / 255.0;

    /// <summary>RGB in [0,1] → Reinhard lαβ.</summary>
    public static (double L, double A, double B) RgbToLab(double r, double g, double b)
    {
        double l = Math.Log10(Math.Max(LmsFloor, 0.3811 * r + 0.5783 * g + 0.0402 * b));
        double m = Math.Log10(Math.Max(LmsFloor, 0.1967 * r + 0.7244 * g + 0.0782 * b));
        double s = Math.Log10(Math.Max(LmsFloor, 0.0241 * r + 0.1288 * g + 0.8444 * b));
        return ((l + m + s) / Math.Sqrt(3), (l + m - 2 * s) / Math.Sqrt(6), (l - m) / Math.Sqrt(2));
    }

    /// <summary>Reinhard lαβ → RGB in [0,1] (unclipped).</summary>
    public static (double R, double G, double B) LabToRgb(double lum, double a, double b)
    {
        double x = lum / Math.Sqrt(3), y = a / Math.Sqrt(6), z = b / Math.Sqrt(2);
        double l = Math.Pow(10, x + y + z), m = Math.Pow(10, x + y - z), s = Math.Pow(10, x - 2 * y);
        return (4.4679 * l - 3.5873 * m + 0.1193 * s,
                -1.2186 * l + 2.3809 * m - 0.1624 * s,
                0.0497 * l - 0.2439 * m + 1.2045 * s);
    }
}
