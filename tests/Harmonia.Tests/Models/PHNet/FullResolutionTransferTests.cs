using Harmonia.Tests.Support;
using Harmonia.Core.Methods;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Core.Transfer;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PHNet;

public class FullResolutionTransferTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal const int W = 384, H = 256, LowW = 96, LowH = 64;

    /// <summary>A smooth background with a foreground rectangle carrying a fine 1-pixel checkerboard plus noise.</summary>
    internal static (RgbImage Image, Mask Mask) TexturedComposite()
    {
        var rng = new Random(3);
        var img = new RgbImage(W, H);
        var alpha = new float[W * H];
        for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
        {
            int o = (y * W + x) * 3;
            bool fg = x >= 96 && x < 288 && y >= 64 && y < 192;
            alpha[y * W + x] = fg ? 1f : 0f;
            if (fg)
            {
                int check = ((x + y) & 1) == 0 ? 30 : -30;
                img.Pixels[o] = (byte)Math.Clamp(120 + check + rng.Next(-10, 11), 0, 255);
                img.Pixels[o + 1] = (byte)Math.Clamp(110 + check + rng.Next(-10, 11), 0, 255);
                img.Pixels[o + 2] = (byte)Math.Clamp(100 + check + rng.Next(-10, 11), 0, 255);
            }
            else
            {
                img.Pixels[o] = (byte)(60 + x / 4);
                img.Pixels[o + 1] = (byte)(80 + y / 4);
                img.Pixels[o + 2] = 150;
            }
        }
        return (img, new Mask(W, H, alpha));
    }

    /// <summary>Energy of the 4-neighbour Laplacian over the interior of the foreground rectangle.</summary>
    internal static double HighPassEnergy(RgbImage img)
    {
        double e = 0;
        for (int y = 66; y < 190; y++)
        for (int x = 98; x < 286; x++)
        for (int c = 0; c < 3; c++)
        {
            int V(int xx, int yy) => img.Pixels[(yy * W + xx) * 3 + c];
            double l = 4 * V(x, y) - V(x - 1, y) - V(x + 1, y) - V(x, y - 1) - V(x, y + 1);
            e += l * l;
        }
        return e;
    }

    internal static double MeanFg(RgbImage img, int c)
    {
        double s = 0; int n = 0;
        for (int y = 64; y < 192; y++) for (int x = 96; x < 288; x++) { s += img.Pixels[(y * W + x) * 3 + c]; n++; }
        return s / n;
    }

    [Fact]
    public void Local_affine_transfer_keeps_full_resolution_detail_while_naive_upscale_loses_it()
    {
        var (composite, mask) = TexturedComposite();
        // The "network": at low res, a warm shift that varies smoothly across the image (+0.12 red at the left to
        // +0.04 at the right, −0.06 blue), applied to the low-res foreground.
        var low = Resize.Rgb(composite, LowW, LowH, ResizeFilter.Bilinear);
        var lowMask = Resize.Mask(mask, LowW, LowH, ResizeFilter.Bilinear);
        var source = new float[LowW * LowH * 3];
        var target = new float[source.Length];
        var weight = new float[LowW * LowH];
        for (int y = 0; y < LowH; y++)
        for (int x = 0; x < LowW; x++)
        {
            int i = y * LowW + x;
            weight[i] = lowMask.Alpha[i] >= 0.5f ? 1f : 0f;
            double dr = 0.12 - 0.08 * x / (LowW - 1.0);
            for (int c = 0; c < 3; c++)
            {
                source[i * 3 + c] = low.Pixels[i * 3 + c] / 255f;
                target[i * 3 + c] = source[i * 3 + c] + (float)(c == 0 ? dr : c == 2 ? -0.06 : 0);
            }
        }

        var field = LocalAffineColorTransfer.Fit(source, target, weight, LowW, LowH, cellSize: 8);
        var result = ForegroundRenderer.Render(composite, mask, field);

        // Naive: upscale the low-res prediction and blend it.
        var lowPrediction = new RgbImage(LowW, LowH);
        for (int i = 0; i < target.Length; i++) lowPrediction.Pixels[i] = (byte)Math.Clamp((int)Math.Round(target[i] * 255), 0, 255);
        var naive = ForegroundRenderer.Blend(composite, Resize.Rgb(lowPrediction, W, H, ResizeFilter.Bilinear), mask);

        double input = HighPassEnergy(composite);
        double ratio = HighPassEnergy(result) / input, naiveRatio = HighPassEnergy(naive) / input;
        output.WriteLine($"high-pass energy ratio: local affine transfer {ratio:F4}, naive upscale {naiveRatio:F4}");
        Assert.InRange(ratio, 0.9, 1.1);
        Assert.True(naiveRatio < 0.2, $"naive upscale kept {naiveRatio:F3} of the detail");
        // The colour change itself arrived: mean red up by about 0.08·255 ≈ 20 (the average of the ramp), blue down ≈ 15.
        Assert.InRange(MeanFg(result, 0) - MeanFg(composite, 0), 16, 24);
        Assert.InRange(MeanFg(result, 2) - MeanFg(composite, 2), -18, -12);
        // Background bytes are untouched.
        ImageAssert.BackgroundUnchanged(composite, result, mask);
    }

    [Fact]
    public void Identity_prediction_gives_identity_models()
    {
        var rng = new Random(1);
        var src = new float[16 * 16 * 3];
        for (int i = 0; i < src.Length; i++) src[i] = (float)rng.NextDouble();
        var weight = Enumerable.Repeat(1f, 256).ToArray();
        var field = LocalAffineColorTransfer.Fit(src, src, weight, 16, 16, cellSize: 4);
        var node = field.Node(1, 2);
        float[] identity = { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
        for (int k = 0; k < 12; k++) Assert.Equal(identity[k], node[k], 3);
    }

    [Fact]
    public void Phnet_harmonizer_on_a_non_square_image_keeps_background_bytes()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(2);
        var (composite, mask) = TexturedComposite();
        // A sigmoid network changes the foreground from the start (a fresh residual one is the identity).
        using var harmonizer = new PHNetHarmonizer(new PHNetModel(PHNetConfig.Scaled(8, PHNetOutput.Sigmoid)), workingSize: 100);
        var harmonized = harmonizer.Harmonize(composite, mask);
        Assert.Equal((W, H), (harmonized.Width, harmonized.Height));
        ImageAssert.BackgroundUnchanged(composite, harmonized, mask);
        Assert.False(harmonized.ContentEquals(composite));
    }
}
