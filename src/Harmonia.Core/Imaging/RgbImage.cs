namespace Harmonia.Core.Imaging;

/// <summary>
/// An 8-bit RGB image, interleaved (R, G, B per pixel), rows top to bottom with no padding:
/// <c>Pixels.Length == Width * Height * 3</c>. The type used for I/O and full-resolution rendering.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }
    /// <summary>Interleaved RGB bytes, row-major, stride <c>Width * 3</c>.</summary>
    public byte[] Pixels { get; }

    /// <summary>Allocates a black image of the given size.</summary>
    public RgbImage(int width, int height) : this(width, height, new byte[checked(width * height * 3)]) { }

    /// <summary>Wraps an existing interleaved RGB buffer of length <c>width * height * 3</c> (not copied).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "Image size must be positive.");
        if (pixels.Length != (long)width * height * 3)
            throw new ArgumentException($"Expected {width * height * 3} bytes for {width}x{height} RGB, got {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Number of pixels.</summary>
    public int PixelCount => Width * Height;

    /// <summary>Bytes per row.</summary>
    public int Stride => Width * 3;

    /// <summary>The bytes of row <paramref name="y"/>.</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);

    /// <summary>A deep copy.</summary>
    public RgbImage Clone() => new(Width, Height, (byte[])Pixels.Clone());

    /// <summary>True when both images have the same size and identical bytes.</summary>
    public bool ContentEquals(RgbImage other) =>
        Width == other.Width && Height == other.Height && Pixels.AsSpan().SequenceEqual(other.Pixels);
}
