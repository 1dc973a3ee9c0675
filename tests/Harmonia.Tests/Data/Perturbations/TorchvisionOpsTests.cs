using Harmonia.Core.Imaging;
using Harmonia.Data.Perturbations;

namespace Harmonia.Tests.Data.Perturbations;

/// <summary>The jitter family's ops against hand-computed torchvision results on known pixels.</summary>
public sealed class TorchvisionOpsTests
{
    static RgbImage Pixels(params byte[] rgb) => new(rgb.Length / 3, 1, rgb);

    [Fact]
    public void Brightness_ScalesAndTruncatesAndClamps()
    {
        // 1.5·100 = 150; 1.5·101 = 151.5 → 151 (uint8 cast truncates); 1.5·200 = 300 → 255.
        var r = TorchvisionOps.AdjustBrightness(Pixels(100, 101, 200), 1.5);
        Assert.Equal(new byte[] { 150, 151, 255 }, r.Pixels);
    }

    [Fact]
    public void Contrast_BlendsWithMeanOfTruncatedGray()
    {
        // gray(10,20,30) = trunc(2.989 + 11.74 + 3.42) = 18; gray(100,110,120) = trunc(29.89 + 64.57 + 13.68) = 108; mean 63.
        // factor 0.5: 0.5·v + 0.5·63 truncated.
        var r = TorchvisionOps.AdjustContrast(Pixels(10, 20, 30, 100, 110, 120), 0.5);
        Assert.Equal(new byte[] { 36, 41, 46, 81, 86, 91 }, r.Pixels);
    }

    [Fact]
    public void Saturation_ZeroGivesTheGrayValue_AndOneIsIdentity()
    {
        Assert.Equal(new byte[] { 18, 18, 18 }, TorchvisionOps.AdjustSaturation(Pixels(10, 20, 30), 0).Pixels);
        Assert.Equal(new byte[] { 10, 20, 30 }, TorchvisionOps.AdjustSaturation(Pixels(10, 20, 30), 1).Pixels);
        // factor 2: 2·v − gray: (2, 22, 42).
        Assert.Equal(new byte[] { 2, 22, 42 }, TorchvisionOps.AdjustSaturation(Pixels(10, 20, 30), 2).Pixels);
    }

    [Fact]
    public void Hue_HalfTurnMapsRedToCyan_AndZeroIsIdentity()
    {
        Assert.Equal(new byte[] { 0, 255, 255 }, TorchvisionOps.AdjustHue(Pixels(255, 0, 0), 0.5).Pixels);
        var px = new byte[] { 10, 20, 30, 200, 100, 50, 7, 7, 7 };
        Assert.Equal(px, TorchvisionOps.AdjustHue(Pixels(px), 0).Pixels);
        // Pure green (h = 1/3) shifted by +1/3 becomes pure blue.
        Assert.Equal(new byte[] { 0, 0, 255 }, TorchvisionOps.AdjustHue(Pixels(0, 255, 0), 1.0 / 3).Pixels);
    }

    [Fact]
    public void Posterize6_ClearsTheLowTwoBits()
    {
        Assert.Equal(new byte[] { 252, 0, 128, 4, 100, 200 }, TorchvisionOps.Posterize(Pixels(255, 3, 130, 7, 101, 203), 6).Pixels);
    }

    [Fact]
    public void Autocontrast_StretchesEachChannelMinMaxTo0_255()
    {
        // R: 50..150 → (v−50)·2.55: 0, 127.5→127, 255. G constant 80 → unchanged. B: 0..255 → unchanged.
        var r = TorchvisionOps.Autocontrast(Pixels(50, 80, 0, 100, 80, 128, 150, 80, 255));
        Assert.Equal(new byte[] { 0, 80, 0, 127, 80, 128, 255, 80, 255 }, r.Pixels);
    }

    [Fact]
    public void Sharpness_BlendsCentreWithSmoothed_BorderUnchanged()
    {
        // 3x3 patch: centre 50, ring 40. Smoothed centre = (8·40 + 5·50)/13 = 43.85 → 44.
        // Factor 4: 4·50 − 3·44 = 68. Border pixels: smoothed = input, so unchanged.
        var img = new RgbImage(3, 3);
        for (int i = 0; i < 9; i++) img.Pixels[3 * i] = img.Pixels[3 * i + 1] = img.Pixels[3 * i + 2] = 40;
        img.Pixels[12] = img.Pixels[13] = img.Pixels[14] = 50;
        var r = TorchvisionOps.AdjustSharpness(img, 4);
        for (int i = 0; i < 9; i++)
        {
            byte expected = i == 4 ? (byte)68 : (byte)40;
            Assert.Equal(expected, r.Pixels[3 * i]);
            Assert.Equal(expected, r.Pixels[3 * i + 2]);
        }
    }

    [Fact]
    public void Jitter_AppliesColorOpsInTheSampledOrder()
    {
        // brightness 1.5 then contrast 0 (→ gray mean) differs from contrast 0 then brightness 1.5.
        var img = Pixels(100, 100, 100, 20, 20, 20);
        var a = JitterFamily.Apply(img, new JitterFamily.Parameters([0, 1, 2, 3], 1.5, 0, 1, 0, false, false, false));
        var b = JitterFamily.Apply(img, new JitterFamily.Parameters([1, 0, 2, 3], 1.5, 0, 1, 0, false, false, false));
        // a: brightness → 150, 30; gray (coefficients sum to 0.9999, truncated) 149, 29 → mean 89; contrast 0 → 89.
        // b: gray of 100, 20 is 99, 19 → mean 59; contrast 0 → 59; brightness 1.5 → 88.5 → 88.
        Assert.Equal(new byte[] { 89, 89, 89, 89, 89, 89 }, a.Pixels);
        Assert.Equal(new byte[] { 88, 88, 88, 88, 88, 88 }, b.Pixels);
        var c = JitterFamily.Apply(Pixels(100, 100, 100, 21, 21, 21), new JitterFamily.Parameters([1, 0, 2, 3], 1.5, 0.5, 1, 0, false, false, false));
        // contrast 0.5 first: gray 99 and 20 → mean 59.5; 0.5·100 + 0.5·59.5 = 79.75 → 79, ·1.5 = 118.5 → 118;
        // 0.5·21 + 29.75 = 40.25 → 40, ·1.5 = 60.
        Assert.Equal(new byte[] { 118, 118, 118, 60, 60, 60 }, c.Pixels);
    }

    [Fact]
    public void SampledJitterParameters_StayInTorchvisionRanges()
    {
        var family = new JitterFamily();
        for (int i = 0; i < 2000; i++)
        {
            var p = family.SampleParameters(Harmonia.Core.Randomness.SeededRandom.FromKey(7, "j", i.ToString()));
            Assert.InRange(p.Brightness, 0.5, 1.5);
            Assert.InRange(p.Contrast, 0.6, 1.4);
            Assert.InRange(p.Saturation, 0.94, 1.06);
            Assert.InRange(p.Hue, -0.05, 0.05);
            Assert.Equal(new[] { 0, 1, 2, 3 }, p.Order.Order().ToArray());
        }
    }
}
