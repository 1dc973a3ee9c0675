using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core;

public class ImageCodecTests
{
    [Theory]
    [InlineData(".png")]
    [InlineData(".webp")]
    public void Lossless_round_trip_keeps_bytes(string ext)
    {
        using var tmp = new TempFolder();
        var img = TestImages.Gradient(37, 23);
        var path = tmp.File("x" + ext);
        if (ext == ".webp")
        {
            // Skia's WebP encoder is lossless at quality 100.
            ImageCodec.Write(img, path, 100);
        }
        else
        {
            ImageCodec.Write(img, path);
        }
        var back = ImageCodec.Read(path);
        Assert.Equal(img.Width, back.Width);
        Assert.Equal(img.Height, back.Height);
        Assert.True(img.ContentEquals(back));
    }

    [Fact]
    public void Jpeg_round_trip_is_close()
    {
        using var tmp = new TempFolder();
        var img = TestImages.Gradient(64, 48);
        var path = tmp.File("x.jpg");
        ImageCodec.Write(img, path, 98);
        var back = ImageCodec.Read(path);
        double err = 0;
        for (int i = 0; i < img.Pixels.Length; i++) err += Math.Abs(img.Pixels[i] - back.Pixels[i]);
        Assert.True(err / img.Pixels.Length < 10.0, $"mean abs error {err / img.Pixels.Length}");
    }

    [Fact]
    public void Mask_uses_luminance_when_opaque_and_alpha_when_transparent()
    {
        using var tmp = new TempFolder();
        var img = new RgbImage(2, 1, [255, 255, 255, 0, 0, 0]);
        ImageCodec.Write(img, tmp.File("m.png"));
        var m = ImageCodec.ReadMask(tmp.File("m.png"));
        Assert.Equal(1f, m.Alpha[0]);
        Assert.Equal(0f, m.Alpha[1]);
        Assert.Equal(1, m.ForegroundCount());
    }

    [Fact]
    public void Corrupt_and_missing_files_give_user_messages()
    {
        using var tmp = new TempFolder();
        File.WriteAllText(tmp.File("bad.png"), "not an image");
        var e1 = Assert.Throws<HarmoniaException>(() => ImageCodec.Read(tmp.File("bad.png")));
        Assert.Contains("not a supported image", e1.Message);
        var e2 = Assert.Throws<HarmoniaException>(() => ImageCodec.Read(tmp.File("none.png")));
        Assert.Contains("not found", e2.Message);
        var bytes = ImageCodec.Encode(TestImages.Gradient(64, 64), ".png");
        File.WriteAllBytes(tmp.File("trunc.png"), bytes[..(bytes.Length / 2)]);
        Assert.Throws<HarmoniaException>(() => ImageCodec.Read(tmp.File("trunc.png")));
    }

    [Fact]
    public void Unsupported_output_extension_is_a_usage_error()
    {
        using var tmp = new TempFolder();
        Assert.Throws<UsageException>(() => ImageCodec.Write(TestImages.Gradient(4, 4), tmp.File("x.tiff")));
        Assert.Empty(Directory.GetFiles(tmp.Path));
    }
}

public class ResizeTests
{
    [Fact]
    public void Box_halving_averages_two_by_two_blocks()
    {
        var src = new float[] { 0, 4, 8, 12, 2, 6, 10, 14 }; // 4x2
        var r = Resize.Plane(src, 4, 2, 2, 1, ResizeFilter.Box);
        Assert.Equal(3f, r[0], 4);
        Assert.Equal(11f, r[1], 4);
    }

    [Theory]
    [InlineData(ResizeFilter.Bilinear)]
    [InlineData(ResizeFilter.Bicubic)]
    [InlineData(ResizeFilter.Nearest)]
    public void Constant_image_stays_constant(ResizeFilter filter)
    {
        var src = Enumerable.Repeat(7f, 30 * 20).ToArray();
        foreach (var v in Resize.Plane(src, 30, 20, 11, 47, filter)) Assert.Equal(7f, v, 3);
    }
}
