using System.Buffers.Binary;
using System.IO.Compression;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Imaging;

/// <summary>The PNG encoder that deflates parts of the image on several cores into one zlib stream.</summary>
public sealed class PngWriterTests
{
    /// <summary>1000×700 RGB: 2.1 MB of filtered rows, so three parts of about 1 MB.</summary>
    static RgbImage NoisyImage()
    {
        var image = TestImages.Gradient(1000, 700);
        var random = new Random(7);
        for (int i = 0; i < image.Pixels.Length; i += 5) image.Pixels[i] = (byte)random.Next(256);
        return image;
    }

    static byte[] Encode(RgbImage image, int level)
    {
        using var memory = new MemoryStream();
        PngWriter.Write(memory, image, level);
        return memory.ToArray();
    }

    /// <summary>The IDAT payloads joined: the zlib stream.</summary>
    static byte[] ZlibStream(byte[] png)
    {
        using var joined = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (png.AsSpan(at + 4, 4).SequenceEqual("IDAT"u8)) joined.Write(png, at + 8, length);
            at += 12 + length;
        }
        return joined.ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(9)]
    public void Parts_deflated_in_parallel_make_one_valid_zlib_stream_that_decodes_to_the_image(int level)
    {
        var image = NoisyImage();
        var png = Encode(image, level);
        // .NET's inflate checks the Adler-32 at the end of the stream: a wrong combined sum throws here.
        using var inflate = new ZLibStream(new MemoryStream(ZlibStream(png)), CompressionMode.Decompress);
        using var rows = new MemoryStream();
        inflate.CopyTo(rows);
        Assert.Equal(700L * (1 + 3 * 1000), rows.Length);
        Assert.True(ImageCodec.Decode(png).ContentEquals(image));
        Assert.Equal(png, Encode(image, level));
    }

    [Fact]
    public void Combined_adler_sums_equal_the_sum_of_the_joined_bytes()
    {
        var random = new Random(3);
        var data = new byte[20_000];
        random.NextBytes(data);
        foreach (int cut in new[] { 0, 1, 5552, 12_345, 20_000 })
        {
            uint whole = Adler32.Update(1, data);
            uint joined = Adler32.Combine(Adler32.Update(1, data.AsSpan(0, cut)), Adler32.Update(1, data.AsSpan(cut)), data.Length - cut);
            Assert.Equal(whole, joined);
        }
        Assert.Equal(0x11E60398u, Adler32.Update(1, "Wikipedia"u8));
    }
}
