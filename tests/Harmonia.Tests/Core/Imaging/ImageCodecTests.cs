using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Imaging;

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

    /// <summary>PNG masks are decoded whole straight into the float mask's memory and converted in place: values per rule.</summary>
    [Fact]
    public void Png_masks_decoded_in_place_follow_the_channel_rules()
    {
        using var tmp = new TempFolder();
        const int w = 300, h = 200;
        using (var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(w, h, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Unpremul)))
        {
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    bitmap.SetPixel(x, y, new SkiaSharp.SKColor((byte)x, (byte)(3 * y), (byte)(x + y), (byte)(x < 150 ? 20 : 255 - y / 2)));
            using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(tmp.File("rgba.png"), png.ToArray());
        }
        ImageCodec.Write(new RgbImage(w, h, Enumerable.Range(0, w * h * 3).Select(i => (byte)(i * 7 % 251)).ToArray()), tmp.File("rgb.png"));
        var alpha = ImageCodec.ReadMask(tmp.File("rgba.png"));   // alpha has both sides of 0.5: it carries the mask
        var red = ImageCodec.ReadMask(tmp.File("rgba.png"), channel: MaskChannel.Red);
        var luminance = ImageCodec.ReadMask(tmp.File("rgb.png"));
        for (int y = 0; y < h; y += 7)
            for (int x = 0; x < w; x += 11)
            {
                int i = y * w + x;
                Assert.Equal((x < 150 ? 20 : 255 - y / 2) / 255f, alpha.Alpha[i]);
                Assert.Equal((byte)x / 255f, red.Alpha[i]);
                byte r = (byte)(3 * i * 7 % 251), g = (byte)((3 * i + 1) * 7 % 251), b = (byte)((3 * i + 2) * 7 % 251);
                float expected = r == g && r == b ? r / 255f : Math.Clamp((0.299f * r + 0.587f * g + 0.114f * b) / 255f, 0f, 1f);
                Assert.Equal(expected, luminance.Alpha[i]);
            }
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
