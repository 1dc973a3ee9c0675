using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Harmonia.Core.Imaging;

/// <summary>
/// A streaming PNG encoder for 8-bit RGB: rows are filtered (Sub, or None at level 0) and deflated straight from the
/// image into IDAT chunks, so writing needs no RGBA copy of the image (Skia's encoder needs 4 bytes per pixel more)
/// and uses .NET's zlib at the requested level.
/// </summary>
internal static class PngWriter
{
    const int ChunkBytes = 1 << 20;

    static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="image"/> as a PNG (colour type 2, 8 bits) with zlib level <paramref name="level"/> 0-9.</summary>
    public static void Write(Stream output, RgbImage image, int level)
    {
        output.Write(Signature);
        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;   // bits per channel
        header[9] = 2;   // RGB; compression, filter and interlace methods stay 0
        WriteChunk(output, "IHDR"u8, header);
        using (var idat = new IdatStream(output))
        {
            using var zlib = new ZLibStream(idat, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
            int stride = image.Stride;
            var row = new byte[1 + stride];
            byte filter = level == 0 ? (byte)0 : (byte)1;
            for (int y = 0; y < image.Height; y++)
            {
                var src = image.Row(y);
                row[0] = filter;
                if (filter == 0)
                {
                    src.CopyTo(row.AsSpan(1));
                }
                else
                {
                    // Sub: each byte minus the same channel of the pixel to its left.
                    src[..3].CopyTo(row.AsSpan(1));
                    for (int i = 3; i < stride; i++) row[1 + i] = (byte)(src[i] - src[i - 3]);
                }
                zlib.Write(row);
            }
        }
        WriteChunk(output, "IEND"u8, []);
    }

    static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    /// <summary>Collects the zlib stream and emits it as IDAT chunks of up to 1 MiB.</summary>
    sealed class IdatStream(Stream output) : Stream
    {
        readonly byte[] buffer = new byte[ChunkBytes];
        int used;

        public override void Write(ReadOnlySpan<byte> data)
        {
            while (data.Length > 0)
            {
                int n = Math.Min(data.Length, buffer.Length - used);
                data[..n].CopyTo(buffer.AsSpan(used));
                used += n;
                data = data[n..];
                if (used == buffer.Length) Emit();
            }
        }

        public override void Write(byte[] data, int offset, int count) => Write(data.AsSpan(offset, count));

        void Emit()
        {
            if (used == 0) return;
            WriteChunk(output, "IDAT"u8, buffer.AsSpan(0, used));
            used = 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) Emit();
            base.Dispose(disposing);
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
