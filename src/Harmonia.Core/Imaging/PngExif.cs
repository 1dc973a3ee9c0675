using System.Buffers.Binary;
using SkiaSharp;

namespace Harmonia.Core.Imaging;

/// <summary>
/// The EXIF orientation stored in a PNG's <c>eXIf</c> chunk (PNG 1.5 extension), which Skia's PNG decoder does not
/// apply while it applies JPEG's and WebP's. Only the chunks before the first <c>IDAT</c> are scanned, as the
/// extension requires the chunk there.
/// </summary>
internal static class PngExif
{
    static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The orientation of a PNG file's bytes, or <see cref="SKEncodedOrigin.TopLeft"/> when it has none or it is malformed.</summary>
    public static SKEncodedOrigin Orientation(ReadOnlySpan<byte> png)
    {
        if (!png.StartsWith(Signature)) return SKEncodedOrigin.TopLeft;
        int pos = Signature.Length;
        while (pos + 8 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            var type = png.Slice(pos + 4, 4);
            if (length > int.MaxValue || pos + 12L + length > png.Length) break;
            if (type.SequenceEqual("IDAT"u8) || type.SequenceEqual("IEND"u8)) break;
            if (type.SequenceEqual("eXIf"u8)) return FromTiff(png.Slice(pos + 8, (int)length));
            pos += 12 + (int)length;
        }
        return SKEncodedOrigin.TopLeft;
    }

    /// <summary>Tag 0x0112 of IFD0 of a TIFF-structured EXIF block.</summary>
    static SKEncodedOrigin FromTiff(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8) return SKEncodedOrigin.TopLeft;
        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I') little = true;
        else if (tiff[0] == 'M' && tiff[1] == 'M') little = false;
        else return SKEncodedOrigin.TopLeft;
        if (U16(tiff, 2, little) != 42) return SKEncodedOrigin.TopLeft;
        uint ifd = U32(tiff, 4, little);
        if (ifd > tiff.Length - 2) return SKEncodedOrigin.TopLeft;
        int count = U16(tiff, (int)ifd, little);
        for (int k = 0; k < count; k++)
        {
            int entry = (int)ifd + 2 + 12 * k;
            if (entry + 12 > tiff.Length) break;
            if (U16(tiff, entry, little) != 0x0112) continue;
            int value = U16(tiff, entry + 2, little) == 3 ? U16(tiff, entry + 8, little) : 0;   // type SHORT, value inline
            return value is >= 1 and <= 8 ? (SKEncodedOrigin)value : SKEncodedOrigin.TopLeft;
        }
        return SKEncodedOrigin.TopLeft;
    }

    static ushort U16(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt16BigEndian(b[at..]);

    static uint U32(ReadOnlySpan<byte> b, int at, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(b[at..]) : BinaryPrimitives.ReadUInt32BigEndian(b[at..]);
}
