using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Core.Methods;
using Harmonia.Evaluation;

namespace Harmonia.Tests.Evaluation;

/// <summary>The evaluator against metrics computed directly, with a tiny local method.</summary>
public sealed class DatasetEvaluatorTests
{
    /// <summary>A test method: moves foreground pixels halfway to mid-grey (so it changes the scores in a known way).</summary>
    sealed class HalfGrey : IHarmonizer
    {
        public Harmonia.Core.Rendering.IForegroundMap Fit(RgbImage composite, Mask mask)
        {
            var table = new byte[768];
            for (int i = 0; i < 768; i++) table[i] = (byte)(((i & 255) + 128) / 2);
            return new Harmonia.Core.Rendering.ColorTransformMap(new Harmonia.Core.Rendering.ChannelLut(table));
        }
    }

    [Fact]
    public void Scores_and_aggregates_equal_direct_computations()
    {
        using var data = new TinyDataset();
        using var outputs = new Support.TempFolder();
        var samples = IHarmony4Layout.Read(data.Root, "test");
        var method = new HalfGrey();
        var report = DatasetEvaluator.Run(samples, method, "half-grey", new EvaluationOptions(MetricProtocols.Harmonia, SaveOutputsTo: outputs.Path));

        Assert.Equal(6, report.Samples.Count);
        Assert.Equal("half-grey", report.Method);
        var expectedComposite = new List<ImageScores>();
        var expectedMethod = new List<ImageScores>();
        foreach (var (sample, result) in samples.Zip(report.Samples))
        {
            var composite = ImageCodec.Read(sample.CompositePath);
            var mask = ImageCodec.ReadMask(sample.MaskPath);
            var real = ImageCodec.Read(sample.RealPath!);
            var c = MetricProtocols.Harmonia.Score(composite, real, mask);
            var output = method.Harmonize(composite, mask);
            var m = MetricProtocols.Harmonia.Score(output, real, mask);
            Assert.Equal(c, result.Composite);
            Assert.Equal(m, result.Method);
            Assert.Equal(mask.ForegroundRatio(), result.ForegroundRatio);
            Assert.True(ImageCodec.Read(Path.Combine(outputs.Path, sample.Subset, sample.Name + ".png")).ContentEquals(output));
            expectedComposite.Add(c);
            expectedMethod.Add(m);
        }

        // Per subset: mean of the per-sample values (samples 0-2 are SubA, 3-5 SubB).
        Assert.Equal(["SubA", "SubB"], report.Composite.Subsets.Select(s => s.Group));
        Assert.Equal(expectedComposite.Take(3).Average(s => s.Mse), report.Composite.Subsets[0].Mse, 9);
        Assert.Equal(expectedComposite.Skip(3).Average(s => s.Fpsnr), report.Composite.Subsets[1].Fpsnr, 9);
        Assert.Equal(expectedMethod.Average(s => s.Fssim), report.MethodSummary!.Overall.Fssim, 9);
        Assert.Equal(expectedMethod.Average(s => s.Psnr), report.MethodSummary.Overall.Psnr, 9);

        // Buckets: masks 1, 2, 3 have foreground 20/1024, 100/1024, 320/1024 → one bucket each, two samples per bucket.
        Assert.Equal(["0-5%", "5-15%", "15-100%"], report.Composite.Buckets.Select(b => b.Group));
        Assert.All(report.Composite.Buckets, b => Assert.Equal(2, b.Count));
        Assert.Equal((expectedComposite[1].Fmse + expectedComposite[4].Fmse) / 2, report.Composite.Buckets[1].Fmse, 9);
    }

    [Fact]
    public void Bucket_bounds()
    {
        Assert.Equal("0-5%", ForegroundBuckets.Of(0));
        Assert.Equal("0-5%", ForegroundBuckets.Of(0.0499));
        Assert.Equal("5-15%", ForegroundBuckets.Of(0.05));
        Assert.Equal("15-100%", ForegroundBuckets.Of(0.15));
        Assert.Equal("15-100%", ForegroundBuckets.Of(1));
    }

    [Fact]
    public void Missing_real_images_are_an_error()
    {
        using var data = new TinyDataset();
        File.Delete(Path.Combine(data.Root, "SubB", "real_images", "y1.png"));
        var samples = IHarmony4Layout.Read(data.Root, "test");
        var e = Assert.Throws<HarmoniaException>(() => DatasetEvaluator.Run(samples, null, null, new EvaluationOptions(MetricProtocols.Harmonia)));
        Assert.StartsWith("eval needs real_images: 3 of 6", e.Message);
    }
}
