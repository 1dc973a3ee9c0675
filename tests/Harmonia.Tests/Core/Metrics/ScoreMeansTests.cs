using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Metrics;

/// <summary>The one aggregation rule (non-finite values left out and counted) and the SSIM-free scoring path.</summary>
public sealed class ScoreMeansTests
{
    [Fact]
    public void Non_finite_values_are_left_out_of_the_mean_and_counted()
    {
        // a: exact match (PSNR +∞); b: ordinary; c: empty mask (foreground metrics NaN).
        var a = new ImageScores(0, double.PositiveInfinity, 0, double.PositiveInfinity, 1, 1);
        var b = new ImageScores(4, 40, 8, 30, 0.9, 0.8);
        var c = new ImageScores(2, 45, double.NaN, double.NaN, 0.7, double.NaN);
        var m = ScoreMeans.Of([a, b, c]);
        Assert.Equal(3, m.Count);
        Assert.Equal(2, m.Mse);                   // (0 + 4 + 2) / 3
        Assert.Equal(42.5, m.Psnr);               // (40 + 45) / 2
        Assert.Equal(4, m.Fmse);                  // (0 + 8) / 2
        Assert.Equal(30, m.Fpsnr);
        Assert.Equal(0.9, m.Fssim, 12);           // (1 + 0.8) / 2
        Assert.Equal(1, m.NonFinite["PSNR"]);
        Assert.Equal(1, m.NonFinite["fMSE"]);
        Assert.Equal(2, m.NonFinite["fPSNR"]);
        Assert.False(m.NonFinite.ContainsKey("MSE"));
        Assert.True(double.IsNaN(ScoreMeans.Of([]).Mse));
    }

    [Theory]
    [InlineData("harmonia")]
    [InlineData("ihm4")]
    [InlineData("pctnet")]
    public void Score_errors_equal_the_full_score_without_ssim(string protocol)
    {
        var p = MetricProtocols.Get(protocol);
        var real = TestImages.Gradient(24, 20, seed: 4);
        var prediction = TestImages.Gradient(24, 20, seed: 6);
        var mask = TestImages.Ellipse(24, 20);
        var full = p.Score(prediction, real, mask);
        var errors = p.ScoreErrors(prediction, real, mask);
        Assert.Equal(full with { Ssim = double.NaN, Fssim = double.NaN }, errors);
        Assert.True(double.IsFinite(full.Fmse) && full.Fmse > 0);
    }
}
