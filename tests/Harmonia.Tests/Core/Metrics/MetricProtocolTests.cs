using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Metrics;

/// <summary>The two protocols against values computed by hand (derivations in the comments).</summary>
public sealed class MetricProtocolTests
{
    static RgbImage Image(int w, int h, params byte[] pixels) => new(w, h, pixels);

    // 2x2 real:        (10,20,30) (40,50,60) / (70,80,90) (100,110,120)
    // 2x2 prediction:  (12,20,30) (40,50,60) / (70,80,99) (100,105,120)
    // squared errors per pixel: p0 = 2² = 4, p1 = 0, p2 = 9² = 81, p3 = 5² = 25; total 110 over 12 values.
    static readonly RgbImage SmallReal = Image(2, 2, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120);
    static readonly RgbImage SmallPrediction = Image(2, 2, 12, 20, 30, 40, 50, 60, 70, 80, 99, 100, 105, 120);
    static Mask SmallMask(float threshold) => new(2, 2, [1f, 0.6f, 0.4f, 0f], threshold);

    [Fact]
    public void Harmonia_matches_hand_computation_at_threshold_one_half()
    {
        // Foreground at 0.5: p0 (1.0), p1 (0.6). fg SSE = 4 + 0 = 4 over 2 pixels x 3 channels.
        var s = MetricProtocols.Harmonia.Score(SmallPrediction, SmallReal, SmallMask(0.5f));
        Assert.Equal(110.0 / 12, s.Mse, 12);                 // 9.1667
        Assert.Equal(38.5087, s.Psnr, 3);                     // 10·log10(65025 / 9.1667) = 10·log10(7093.6)
        Assert.Equal(4.0 / 6, s.Fmse, 12);                    // 0.6667
        Assert.Equal(49.8917, s.Fpsnr, 3);                    // 10·log10(65025 / 0.6667) = 10·log10(97537.5)
    }

    [Fact]
    public void Harmonia_uses_the_mask_threshold()
    {
        // Foreground at 0.3: p0, p1, p2 (0.4). fg SSE = 4 + 0 + 81 = 85 over 3 x 3 values.
        var s = MetricProtocols.Harmonia.Score(SmallPrediction, SmallReal, SmallMask(0.3f));
        Assert.Equal(110.0 / 12, s.Mse, 12);
        Assert.Equal(85.0 / 9, s.Fmse, 12);                   // 9.4444
        Assert.Equal(38.3790, s.Fpsnr, 3);                    // 10·log10(65025 / 9.4444)
    }

    /// <summary>
    /// 256x256 (so the ihm4 protocol does not resize): real 0 on the left half, 200 on the right half (all channels);
    /// a 64x64 block at x 160..223, y 96..159 has mask 128/255 and the prediction there is real + 10 = 210; a 1-pixel
    /// ring around the block has mask 127/255 and no error.
    /// </summary>
    static (RgbImage Prediction, RgbImage Real, Mask Mask) Block(float threshold)
    {
        const int n = 256;
        var real = new RgbImage(n, n);
        var alpha = new float[n * n];
        for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
        {
            if (x >= n / 2) real.Pixels.AsSpan(3 * (y * n + x), 3).Fill(200);
            bool block = x is >= 160 and < 224 && y is >= 96 and < 160;
            bool ring = !block && x is >= 159 and < 225 && y is >= 95 and < 161;
            alpha[y * n + x] = block ? 128 / 255f : ring ? 127 / 255f : 0f;
        }
        var prediction = real.Clone();
        for (int y = 96; y < 160; y++)
        for (int x = 160; x < 224; x++)
            prediction.Pixels.AsSpan(3 * (y * n + x), 3).Fill(210);
        return (prediction, real, new Mask(n, n, alpha, threshold));
    }

    [Fact]
    public void Ihm4_matches_hand_computation_without_resizing()
    {
        var (p, r, m) = Block(0.5f);
        var s = MetricProtocols.Ihm4.Score(p, r, m);
        // MSE = 4096 px · 3 · 10² / (65536 · 3) = 6.25.
        Assert.Equal(6.25, s.Mse, 12);
        // Peak = prediction max − min = 210 − 0: 10·log10(210² / 6.25) = 10·log10(7056).
        Assert.Equal(38.4856, s.Psnr, 3);
        // 1-bit mask: 128/255 → 1, 127/255 → 0, so Σm = 4096. MSE(p·m, r·m) = 6.25; · 65536 / 4096 = 100.
        Assert.Equal(100, s.Fmse, 9);
        Assert.Equal(26.4444, s.Fpsnr, 3);                    // 10·log10(44100 / 100)
    }

    [Fact]
    public void Ihm4_ignores_the_mask_threshold_while_harmonia_follows_it()
    {
        var (p, r, m) = Block(0.3f);
        // ihm4: the 1-bit conversion is fixed at 128/255, so the ring (127/255) stays out: same as above.
        Assert.Equal(100, MetricProtocols.Ihm4.Score(p, r, m).Fmse, 9);
        // harmonia at 0.3: the ring's 66² − 64² = 260 pixels join: fMSE = 4096·3·100 / (4356·3) = 94.0312.
        var h = MetricProtocols.Harmonia.Score(p, r, m);
        Assert.Equal(4096.0 * 100 / 4356, h.Fmse, 9);
        Assert.Equal(28.3981, h.Fpsnr, 3);                    // 10·log10(65025 / 94.0312)
        Assert.Equal(6.25, h.Mse, 12);
        Assert.Equal(40.1720, h.Psnr, 3);                     // 10·log10(65025 / 6.25) = 10·log10(10404)
    }

    [Fact]
    public void Ihm4_resizes_to_256_and_uses_the_prediction_range_as_peak()
    {
        // 512x300, real (100,100,100) everywhere, prediction (110,100,100) everywhere: constant images stay constant
        // under the (normalized) bicubic resize. MSE = (10² + 0 + 0) / 3 = 33.333; range = 110 − 100 = 10:
        // PSNR = 10·log10(100 / 33.333) = 10·log10(3) = 4.7712. The error is uniform, so fMSE = MSE.
        var real = new RgbImage(512, 300);
        Array.Fill(real.Pixels, (byte)100);
        var prediction = real.Clone();
        for (int i = 0; i < prediction.PixelCount; i++) prediction.Pixels[3 * i] = 110;
        var alpha = new float[512 * 300];
        for (int i = 0; i < alpha.Length; i++) alpha[i] = i % 512 < 256 ? 0.6f : 0f;
        var s = MetricProtocols.Ihm4.Score(prediction, real, new Mask(512, 300, alpha));
        Assert.Equal(100.0 / 3, s.Mse, 9);
        Assert.Equal(4.7712, s.Psnr, 3);
        Assert.Equal(100.0 / 3, s.Fmse, 9);
        var reference = MetricProtocols.Ihm4.Prepare(real, new Mask(512, 300, alpha));
        Assert.Equal(256, reference.Real.Width);
        Assert.Equal(256, reference.Real.Height);
        // Nearest 512 → 256 takes source column 2i+1: columns 0..127 are foreground, 128 of 256.
        Assert.Equal(128 * 256, reference.ForegroundCount);
    }

    [Fact]
    public void Identical_images_give_infinite_psnr_and_ssim_one_under_harmonia_and_ihm4()
    {
        var img = TestImages.Gradient(40, 30, seed: 3);
        var mask = TestImages.Ellipse(40, 30);
        // pctnet adds 1e-6 to the MSE, so its PSNR stays finite (PctNetProtocolTests).
        foreach (var protocol in new[] { MetricProtocols.Harmonia, MetricProtocols.Ihm4 })
        {
            var s = protocol.Score(img, img, mask);
            Assert.Equal(0, s.Mse);
            Assert.Equal(0, s.Fmse);
            Assert.True(double.IsPositiveInfinity(s.Psnr), protocol.Name);
            Assert.True(double.IsPositiveInfinity(s.Fpsnr), protocol.Name);
            Assert.Equal(1, s.Ssim, 6);
            Assert.Equal(1, s.Fssim, 6);
        }
    }

    [Fact]
    public void Empty_foreground_gives_nan_foreground_metrics()
    {
        var real = TestImages.Gradient(16, 16);
        var s = MetricProtocols.Harmonia.Score(real.Clone(), real, Mask.Filled(16, 16, 0f));
        Assert.True(double.IsNaN(s.Fmse));
        Assert.True(double.IsNaN(s.Fpsnr));
        Assert.True(double.IsNaN(s.Fssim));
        Assert.Equal(1, s.Ssim, 6);
    }

    [Fact]
    public void Size_mismatch_is_a_user_facing_error()
    {
        var real = TestImages.Gradient(16, 16);
        Assert.Throws<HarmoniaException>(() => MetricProtocols.Harmonia.Score(TestImages.Gradient(16, 15), real, Mask.Filled(16, 16, 1f)));
        Assert.Throws<HarmoniaException>(() => MetricProtocols.Ihm4.Score(real, real, Mask.Filled(15, 16, 1f)));
    }

    [Fact]
    public void Registry_finds_protocols_case_insensitively_and_rejects_unknown_names()
    {
        Assert.Same(MetricProtocols.Ihm4, MetricProtocols.Get("IHM4"));
        Assert.Same(MetricProtocols.Harmonia, MetricProtocols.Get("harmonia"));
        var e = Assert.Throws<UsageException>(() => MetricProtocols.Get("dovenet"));
        Assert.Contains("harmonia, ihm4", e.Message);
    }
}
