namespace Harmonia.Core.Rendering;

/// <summary>Float-to-byte rounding shared by the colour maps.</summary>
public static class PixelBytes
{
    /// <summary>Rounds to the nearest byte (half up), clamping to [0, 255]; NaN gives 0.</summary>
    public static byte Round(float v) => v >= 255f ? (byte)255 : v > 0f ? (byte)(v + 0.5f) : (byte)0;
}
