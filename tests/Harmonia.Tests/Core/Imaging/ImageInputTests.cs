using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;
using SkiaSharp;

namespace Harmonia.Tests.Core.Imaging;

/// <summary>Which channel a mask is read from, symbolic links, PNG eXIf orientation, and the PNG compression setting.</summary>
public sealed class ImageInputTests : IDisposable
{
    readonly TempFolder tmp = new();

    public void Dispose() => tmp.Dispose();

    /// <summary>An RGBA PNG: the ellipse in RGB (white on black), alpha from <paramref name="alpha"/> per pixel.</summary>
    string RgbaMask(string name, int w, int h, Func<int, int, bool, byte> alpha)
    {
        var ellipse = TestImages.Ellipse(w, h);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool fg = ellipse.IsForeground(y * w + x);
                byte v = fg ? (byte)255 : (byte)0;
                bitmap.SetPixel(x, y, new SKColor(v, v, v, alpha(x, y, fg)));
            }
        var path = tmp.File(name);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    [Fact]
    public void Symbolic_links_to_images_are_read_and_links_to_a_fifo_refused()
    {
        var image = tmp.File("real.png");
        ImageCodec.Write(TestImages.Gradient(20, 10, seed: 2), image);
        var link = tmp.File("link.png");
        File.CreateSymbolicLink(link, image);
        Assert.Equal(new FileInfo(image).Length, Harmonia.Core.Files.InputFile.Check(link, 1 << 20));
        Assert.True(ImageCodec.Read(link).ContentEquals(ImageCodec.Read(image)));

        var fifo = tmp.File("pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        var fifoLink = tmp.File("pipe-link.png");
        File.CreateSymbolicLink(fifoLink, fifo);
        var e = Assert.Throws<HarmoniaException>(() => Harmonia.Core.Files.InputFile.Check(fifoLink, 1 << 20));
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void Nearly_opaque_alpha_is_ignored_and_the_rgb_mask_used()
    {
        // As the DIH masks: alpha 217-255 everywhere, the mask in RGB.
        var path = RgbaMask("dih.png", 40, 30, (x, y, _) => (byte)(217 + (x + y) % 39));
        var expected = TestImages.Ellipse(40, 30).ForegroundCount();
        var auto = ImageCodec.ReadMask(path);
        Assert.Equal(expected, auto.ForegroundCount());
        Assert.Equal(expected, ImageCodec.ReadMask(path, channel: MaskChannel.Luminance).ForegroundCount());
        Assert.Equal(expected, ImageCodec.ReadMask(path, channel: MaskChannel.Red).ForegroundCount());
        Assert.Equal(40 * 30, ImageCodec.ReadMask(path, channel: MaskChannel.Alpha).ForegroundCount());
    }

    [Fact]
    public void Alpha_that_carries_a_mask_is_used()
    {
        // RGB black everywhere, the shape only in alpha (a cut-out exported as a mask).
        var ellipse = TestImages.Ellipse(40, 30);
        using var bitmap = new SKBitmap(new SKImageInfo(40, 30, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int i = 0; i < 40 * 30; i++) bitmap.SetPixel(i % 40, i / 40, new SKColor(0, 0, 0, ellipse.IsForeground(i) ? (byte)255 : (byte)0));
        var path = tmp.File("cut.png");
        using (var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)) File.WriteAllBytes(path, data.ToArray());
        Assert.Equal(ellipse.ForegroundCount(), ImageCodec.ReadMask(path).ForegroundCount());
        Assert.Equal(0, ImageCodec.ReadMask(path, channel: MaskChannel.Luminance).ForegroundCount());
    }

    [Fact]
    public void Cli_harmonizes_with_a_nearly_opaque_rgba_mask_and_honours_mask_channel()
    {
        var path = RgbaMask("m.png", 48, 40, (x, y, _) => (byte)(217 + (x * y) % 39));
        var composite = tmp.File("c.png");
        ImageCodec.Write(TestImages.ShiftForeground(TestImages.Gradient(48, 40), TestImages.Ellipse(48, 40), 40, -20, 10), composite);
        var ok = CliProcess.Run("harmonize", composite, path, "-o", tmp.File("o.png"), "-m", "reinhard");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        var alpha = CliProcess.Run("harmonize", composite, path, "-o", tmp.File("o2.png"), "-m", "reinhard", "--mask-channel", "alpha");
        Assert.Equal(1, alpha.ExitCode);
        Assert.Contains("whole image", alpha.StdErr);
        var bad = CliProcess.Run("harmonize", composite, path, "-o", tmp.File("o3.png"), "--mask-channel", "green");
        Assert.Equal(2, bad.ExitCode);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(3)]
    public void Png_exif_orientation_is_applied(ushort orientation)
    {
        // Stored 3x2: pixel (x, y) has red 10x+1, green 10y+1.
        var stored = new RgbImage(3, 2);
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 3; x++)
            {
                stored.Pixels[3 * (y * 3 + x)] = (byte)(10 * x + 1);
                stored.Pixels[3 * (y * 3 + x) + 1] = (byte)(10 * y + 1);
            }
        var path = tmp.File("o.png");
        File.WriteAllBytes(path, HostileFiles.PngWithExifOrientation(stored, orientation));
        var upright = ImageCodec.Read(path);
        (int W, int H) expectedSize = orientation is 6 or 8 ? (2, 3) : (3, 2);
        Assert.Equal(expectedSize, (upright.Width, upright.Height));
        // Upright top-left pixel: 6 (rotate 90 CW) takes stored bottom-left; 8 (rotate 270) stored top-right; 3 (180) stored bottom-right.
        (int X, int Y) source = orientation switch { 6 => (0, 1), 8 => (2, 0), _ => (2, 1) };
        Assert.Equal((byte)(10 * source.X + 1), upright.Pixels[0]);
        Assert.Equal((byte)(10 * source.Y + 1), upright.Pixels[1]);
        Assert.Equal(expectedSize, ImageCodec.ReadSize(path));
    }

    [Fact]
    public void Png_compression_trades_size_and_is_checked()
    {
        var img = TestImages.Gradient(256, 192);
        var fast = tmp.File("fast.png");
        var small = tmp.File("small.png");
        ImageCodec.Write(img, fast, new EncodeOptions(PngCompression: 1));
        ImageCodec.Write(img, small, new EncodeOptions(PngCompression: 9));
        Assert.True(new FileInfo(small).Length < new FileInfo(fast).Length, $"{new FileInfo(small).Length} vs {new FileInfo(fast).Length}");
        Assert.True(ImageCodec.Read(fast).ContentEquals(img) && ImageCodec.Read(small).ContentEquals(img));
        Assert.Throws<UsageException>(() => ImageCodec.Write(img, tmp.File("x.png"), new EncodeOptions(PngCompression: 10)));
    }

    [Fact]
    public void Batch_buffers_are_reused_for_same_size_images_only()
    {
        var m = TestImages.Ellipse(40, 30);
        string Pair(string name, int w, int h)
        {
            ImageCodec.Write(TestImages.Gradient(w, h, seed: name.Length), tmp.File(name + ".png"));
            ImageCodec.WriteMask(TestImages.Ellipse(w, h), tmp.File(name + "_mask.png"));
            return tmp.File(name);
        }
        var a = Pair("a", 40, 30);
        var b = Pair("bb", 40, 30);
        var c = Pair("ccc", 20, 30);
        var buffers = new Harmonia.Core.Pipeline.FileHarmonizerBuffers();
        var options = new Harmonia.Core.Pipeline.FileHarmonizeOptions();
        var (ca, ma) = Harmonia.Core.Pipeline.FileHarmonizer.Load(a + ".png", a + "_mask.png", options, buffers);
        var (cb, mb) = Harmonia.Core.Pipeline.FileHarmonizer.Load(b + ".png", b + "_mask.png", options, buffers);
        Assert.Same(ca.Pixels, cb.Pixels);
        Assert.Same(ma.Alpha, mb.Alpha);
        Assert.True(cb.ContentEquals(ImageCodec.Read(b + ".png")));
        Assert.Equal(m.ForegroundCount(), mb.ForegroundCount());
        var (cc, _) = Harmonia.Core.Pipeline.FileHarmonizer.Load(c + ".png", c + "_mask.png", options, buffers);
        Assert.NotSame(cb.Pixels, cc.Pixels);
        Assert.Equal((20, 30), (cc.Width, cc.Height));
    }

    [SkippableFact]
    public void Every_dih_mask_has_foreground_and_background()
    {
        // Several DIH masks are RGBA with alpha 217-255 and the mask in RGB; reading their alpha made them full masks.
        var folder = SharedData.RequireDirectory("real-composites/dih-deepharmonization/data/mask");
        var masks = Directory.GetFiles(folder, "*.png");
        Assert.NotEmpty(masks);
        foreach (var path in masks)
        {
            var ratio = ImageCodec.ReadMask(path).ForegroundRatio();
            Assert.True(ratio is > 0.001 and < 0.95, $"{Path.GetFileName(path)}: foreground {ratio:P1}");
        }
    }
}
