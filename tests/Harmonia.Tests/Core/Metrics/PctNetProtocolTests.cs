using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Evaluation;
using Harmonia.Evaluation.Anchors;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Metrics;

/// <summary>The pctnet protocol against hand computations, and against PCT-Net's own composite rows.</summary>
public sealed class PctNetProtocolTests
{
    // 2x2 real:        (10,20,30) (40,50,60) / (70,80,90) (100,110,120)
    // 2x2 prediction:  (12,20,30) (40,50,60) / (70,80,99) (100,105,120)
    // squared errors per pixel (summed over channels): 4, 0, 81, 25.
    // mask 1, 0.6, 0.4, 0 → levels 255, 153, 102, 0 → m = 1, 0.6, 0.4, 0.
    static readonly RgbImage Real = new(2, 2, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    static readonly RgbImage Prediction = new(2, 2, [12, 20, 30, 40, 50, 60, 70, 80, 99, 100, 105, 120]);
    static readonly Mask SoftMask = new(2, 2, [1f, 0.6f, 0.4f, 0f]);

    [Fact]
    public void Matches_hand_computation_with_a_soft_mask()
    {
        var s = MetricProtocols.PctNet.Score(Prediction, Real, SoftMask);
        // Σ m·d² = 1·4 + 0.6·0 + 0.4·81 + 0·25 = 36.4; the background pixel's error (25) does not count.
        Assert.Equal(36.4 / 12, s.Mse, 12);                   // mean over H·W·3 = 12 values: 3.0333
        Assert.Equal(43.3116, s.Psnr, 3);                     // 10·log10(65025 / (3.0333 + 1e-6))
        // Σm = 2.0: fMSE = 36.4 / (3·2 + 1e-6) = 6.06667 (the 0.4 pixel weighs 0.4, not 1 as after a threshold).
        Assert.Equal(36.4 / (6 + 1e-6), s.Fmse, 9);
        Assert.Equal(40.3013, s.Fpsnr, 3);                    // 10·log10(65025 / (6.06667 + 1e-6))
    }

    [Fact]
    public void Differs_from_harmonia_where_the_protocols_differ()
    {
        // harmonia at 0.5: MSE counts every error, 110 / 12 = 9.1667; fMSE over p0, p1 = 4 / 6.
        var h = MetricProtocols.Harmonia.Score(Prediction, Real, SoftMask);
        var p = MetricProtocols.PctNet.Score(Prediction, Real, SoftMask);
        Assert.Equal(110.0 / 12, h.Mse, 12);
        Assert.True(p.Mse < h.Mse - 6);
        Assert.Equal(4.0 / 6, h.Fmse, 12);
        Assert.True(p.Fmse > h.Fmse + 5);
    }

    [Fact]
    public void Background_errors_do_not_count_and_an_exact_foreground_gives_psnr_108()
    {
        var real = TestImages.Gradient(40, 30, seed: 3);
        var mask = TestImages.Ellipse(40, 30);
        var prediction = real.Clone();
        for (int i = 0; i < mask.Alpha.Length; i++)
            if (mask.Alpha[i] == 0f) prediction.Pixels[3 * i] ^= 0x40;   // change only background pixels
        var s = MetricProtocols.PctNet.Score(prediction, real, mask);
        Assert.Equal(0, s.Mse);
        Assert.Equal(0, s.Fmse);
        Assert.Equal(108.1308, s.Psnr, 3);                    // 10·log10(65025 / 1e-6)
        // SSIM is of p·m + r·(1 − m): the blend equals the real image.
        Assert.Equal(1, s.Ssim, 6);
        Assert.Equal(1, s.Fssim, 6);
    }

    [Fact]
    public void Soft_blend_ssim_lies_between_the_binary_cases()
    {
        // A soft mask blends the prediction half-way: the blend is closer to the real image than the full prediction.
        var real = TestImages.Gradient(48, 40, seed: 5);
        var prediction = TestImages.ShiftForeground(real, Mask.Filled(48, 40, 1f), 40, -30, 20);
        var full = MetricProtocols.PctNet.Score(prediction, real, Mask.Filled(48, 40, 1f));
        var half = MetricProtocols.PctNet.Score(prediction, real, Mask.Filled(48, 40, 0.5f));
        Assert.True(half.Ssim > full.Ssim + 0.01, $"{half.Ssim} vs {full.Ssim}");
        Assert.True(half.Ssim < 1 - 0.01);
        // The float path equals the byte path on integral images.
        var asFloats = prediction.Pixels.Select(b => (float)b).ToArray();
        Assert.Equal(Ssim.Map(prediction, real), Ssim.Map(asFloats, real));
    }

    /// <summary>
    /// The proof that pctnet is PCT-Net's protocol: Harmonia's composite scores on the ihm4-samples images equal the
    /// composite rows of PCT-Net's own CSVs (same inputs, scored by their code).
    /// </summary>
    [SkippableFact]
    public void Composite_scores_equal_the_pctnet_csv_composite_rows()
    {
        var root = SharedData.RequireDirectory("ihm4-samples");
        var anchors = Path.GetFullPath(Path.Combine(SharedData.Root!, "..", "anchors", "pctnet-fr"));
        Skip.IfNot(Directory.Exists(anchors), "../shared/anchors/pctnet-fr is not present; test skipped.");
        var samples = Harmonia.Core.Datasets.IHarmony4Layout.Read(root);
        var csv = PeerResults.Read(Path.Combine(anchors, "evaluation_composite.csv"), samples.Select(s => s.Name).ToHashSet());
        var covered = samples.Where(s => csv.Rows.ContainsKey(s.Name)).ToList();
        Assert.Equal(10, covered.Count);
        // Scored here: the 5 HFlickr images and the smallest HAdobe5k one (6 MP), to keep the test to seconds;
        // `harmonia eval --protocol pctnet --anchors` checks all 10 (docs/metrics.md).
        var scored = covered.Where(s => s.Subset == "HFlickr" || s.Name == "a0196_1_4").ToList();
        Assert.Equal(6, scored.Count);
        var report = DatasetEvaluator.Run(scored, null, null, new EvaluationOptions(MetricProtocols.PctNet));
        foreach (var s in report.Samples)
        {
            var row = csv.Rows[s.Name];
            // CSV values are float32 from PyTorch; ours are exact sums in double.
            Assert.True(Math.Abs(s.Composite.Mse / row.Mse - 1) < 1e-6, $"{s.Name} MSE {s.Composite.Mse} vs {row.Mse}");
            Assert.True(Math.Abs(s.Composite.Fmse / row.Fmse - 1) < 1e-6, $"{s.Name} fMSE {s.Composite.Fmse} vs {row.Fmse}");
            Assert.True(Math.Abs(s.Composite.Psnr - row.Psnr) < 1e-5, $"{s.Name} PSNR {s.Composite.Psnr} vs {row.Psnr}");
            Assert.True(Math.Abs(s.Composite.Ssim - row.Ssim) < 1e-5, $"{s.Name} SSIM {s.Composite.Ssim} vs {row.Ssim}");
        }
    }
}
