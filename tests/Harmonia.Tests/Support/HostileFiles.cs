using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Harmonia.Core.Imaging;

namespace Harmonia.Tests.Support;

/// <summary>
/// Tiny files that lie about themselves, built byte by byte: headers declaring huge sizes with no pixel data, a PNG
/// with an EXIF orientation in an eXIf chunk, safetensors files with hostile metadata or shapes.
/// </summary>
public static class HostileFiles
{
    static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>CRC-32 of PNG chunks (ISO 3309).</summary>
    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint c = 0xFFFFFFFFu;
        foreach (var b in bytes) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    /// <summary>One PNG chunk: length, type, data, CRC.</summary>
    public static byte[] PngChunk(string type, ReadOnlySpan<byte> data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, chunk.AsSpan(4));
        data.CopyTo(chunk.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    /// <summary>A valid PNG signature and IHDR declaring <paramref name="w"/>×<paramref name="h"/> RGB, then a few bytes of IDAT: about 70 bytes.</summary>
    public static byte[] HeaderOnlyPng(int w, int h)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, w);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), h);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // RGB
        using var idat = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionLevel.Fastest)) z.Write(new byte[16]);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        return [.. signature, .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", idat.ToArray()), .. PngChunk("IEND", [])];
    }

    /// <summary>A GIF whose screen and one image declare <paramref name="w"/>×<paramref name="h"/>, with a 1-pixel LZW stream.</summary>
    public static byte[] HeaderOnlyGif(ushort w, ushort h)
    {
        var b = new List<byte>();
        b.AddRange("GIF89a"u8.ToArray());
        b.AddRange(BitConverter.GetBytes(w));
        b.AddRange(BitConverter.GetBytes(h));
        b.AddRange([0, 0, 0, 0x2C, 0, 0, 0, 0]);
        b.AddRange(BitConverter.GetBytes(w));
        b.AddRange(BitConverter.GetBytes(h));
        b.AddRange([0, 2, 2, 0x44, 1, 0, 0x3B]);
        return [.. b];
    }

    /// <summary>A 32-bit BMP declaring <paramref name="w"/>×<paramref name="h"/> (negative h: top-down) with 64 bytes of pixels.</summary>
    public static byte[] HeaderOnlyBmp(int w, int h)
    {
        var bmp = new byte[14 + 40 + 64];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), w);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), h);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 32);
        return bmp;
    }

    /// <summary>A real small JPEG whose SOF marker is patched to declare <paramref name="w"/>×<paramref name="h"/>.</summary>
    public static byte[] JpegWithPatchedSize(ushort w, ushort h)
    {
        var jpeg = ImageCodec.Encode(TestImages.Gradient(16, 16), ".jpg");
        for (int i = 2; i + 9 < jpeg.Length;)
        {
            byte marker = jpeg[i + 1];
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 5), h);
                BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(i + 7), w);
                return jpeg;
            }
            i += 2 + length;
        }
        throw new InvalidOperationException("no SOF marker in the test JPEG");
    }

    /// <summary>A PNG of <paramref name="image"/> with an eXIf chunk (big-endian TIFF) holding orientation <paramref name="orientation"/> 1-8.</summary>
    public static byte[] PngWithExifOrientation(RgbImage image, ushort orientation)
    {
        var png = ImageCodec.Encode(image, ".png");
        var tiff = new byte[8 + 2 + 12 + 4];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(10), 0x0112);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(12), 3);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(18), orientation);
        int afterIhdr = 8 + 12 + 13;
        return [.. png.AsSpan(0, afterIhdr), .. PngChunk("eXIf", tiff), .. png.AsSpan(afterIhdr)];
    }

    /// <summary>
    /// A safetensors file with <paramref name="metadata"/> and one float32 tensor per (name, shape); when
    /// <paramref name="declaredShape"/> is given it replaces every tensor's declared shape (the data stays 4 bytes).
    /// </summary>
    public static byte[] SafeTensors(IReadOnlyDictionary<string, string> metadata, string[] names, string? declaredShape = null)
    {
        var header = new StringBuilder("{\"__metadata__\":{");
        header.Append(string.Join(",", metadata.Select(kv => $"\"{kv.Key}\":\"{kv.Value}\"")));
        header.Append('}');
        for (int k = 0; k < names.Length; k++)
            header.Append($",\"{names[k]}\":{{\"dtype\":\"F32\",\"shape\":{declaredShape ?? "[1]"},\"data_offsets\":[{4 * k},{4 * k + 4}]}}");
        header.Append('}');
        var json = Encoding.UTF8.GetBytes(header.ToString());
        var file = new byte[8 + json.Length + 4 * names.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file.AsSpan(8));
        return file;
    }
}
