namespace Harmonia.Core.Color;

/// <summary>
/// sRGB helpers on the unit scale: the IEC 61966-2-1 transfer functions (encoded ↔ linear light), Rec.601 luma and
/// the rounding of a unit value to an 8-bit code. Single precision, because the perturbation families that use them
/// run per pixel and their dataset bytes are defined by these exact float formulas.
/// </summary>
public static class Srgb
{
    /// <summary>sRGB-encoded value in [0, 1] → linear light in [0, 1].</summary>
    public static float ToLinear(float c) => c <= 0.04045f ? c / 12.92f : MathF.Pow((c + 0.055f) / 1.055f, 2.4f);

    /// <summary>Linear light → sRGB-encoded; values above 1 are allowed (the caller clips).</summary>
    public static float FromLinear(float c) => c <= 0.0031308f ? c * 12.92f : 1.055f * MathF.Pow(c, 1f / 2.4f) - 0.055f;

    /// <summary>
    /// A gain in linear light on an sRGB-encoded value: <c>clamp(FromLinear(ToLinear(c) · gain), 0, 1)</c> — exposure and
    /// white balance as a camera applies them (the retouch and cast families, the training scene look).
    /// </summary>
    public static float ScaleLinear(float c, float gain) => Math.Clamp(FromLinear(ToLinear(c) * gain), 0f, 1f);

    /// <summary>Rec.601 luma 0.299 R + 0.587 G + 0.114 B (same scale as the inputs).</summary>
    public static float Luma(float r, float g, float b) => 0.299f * r + 0.587f * g + 0.114f * b;

    /// <summary>A unit value rounded to an 8-bit code: round half up, clipped to [0, 255]; NaN gives 0.</summary>
    public static byte ToByte(float v) => v >= 1f ? (byte)255 : v > 0f ? (byte)(v * 255f + 0.5f) : (byte)0;
}
