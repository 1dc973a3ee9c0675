using Harmonia.Data.Synthesis;
using Harmonia.Core.Imaging;
using Harmonia.Data.Labels;
using Harmonia.Data.Perturbations;
using Harmonia.Core.Randomness;
using Harmonia.Data.Shapes;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Data.Perturbations;

/// <summary>Parameter ranges of every family, the transfer maths, labels and shape masks.</summary>
public sealed class FamilyTests
{
    static PerturbationContext Context()
    {
        var real = TestImages.Gradient(16, 12, seed: 5);
        var mask = TestImages.Ellipse(16, 12);
        var stats = ForegroundStatistics.Compute(real, mask)!;
        var other = TestImages.Gradient(16, 12, seed: 9);
        var pool = new ReferencePool([
            new ReferencePhoto("self", "car", stats),
            new ReferencePhoto("ref1", "car", ForegroundStatistics.Compute(other, mask)!),
            new ReferencePhoto("ref2", "sky", ForegroundStatistics.Compute(TestImages.Gradient(16, 12, seed: 11), mask)!),
        ]);
        return new PerturbationContext(real, mask, stats, pool, "self", "car");
    }

    [Fact]
    public void EveryFamily_SampledParametersStayInTheirDocumentedRanges()
    {
        var context = Context();
        foreach (var family in PerturbationFamilies.All)
        {
            var seen = new HashSet<string>();
            for (int i = 0; i < 400; i++)
            {
                var p = family.Sample(context, SeededRandom.FromKey(11, family.Name, i.ToString()));
                Assert.Equal((16, 12), (p.Image.Width, p.Image.Height));
                foreach (var (key, value) in p.Parameters)
                {
                    if (value is not double d) continue;
                    Assert.True(family.Ranges.TryGetValue(key, out var range), $"{family.Name}.{key} has no documented range");
                    Assert.True(range.Contains(d), $"{family.Name}.{key} = {d} outside [{range.Min}, {range.Max}]");
                    seen.Add(key);
                }
                if (family is TransferFamily)
                {
                    Assert.NotEqual("self", p.Parameters["reference"]);
                    Assert.Contains((string)p.Parameters["method"], TransferFamily.Methods);
                }
            }
            // Every documented parameter is actually sampled somewhere.
            Assert.Equal(family.Ranges.Keys.Order(), seen.Order());
        }
    }

    [Fact]
    public void Retouch_StrengthScalesItsRangesAndItsEdits()
    {
        var plans = SynthesisOptions.ParseFamilies("retouch:4@1.7,jitter", 2);
        var strong = plans[0].Family;
        Assert.Equal(("retouch", 4, 1.7), (strong.Name, plans[0].Variants, strong.Strength));
        Assert.Equal((-1.7, 1.7), (strong.Ranges["exposure"].Min, strong.Ranges["exposure"].Max));
        Assert.Equal(Math.Pow(0.65, 1.7), strong.Ranges["contrast"].Min, 12);
        Assert.Equal(Math.Pow(1.5, 1.7), strong.Ranges["gamma"].Max, 12);
        Assert.Equal((-0.85, 0.85), (strong.Ranges["curve"].Min, strong.Ranges["curve"].Max));
        Assert.Equal(0.95, SynthesisOptions.ParseFamilies("retouch@2.5", 1)[0].Family.Ranges["curve"].Max);

        // The same draws land further from the real photo: the foreground MSE grows with the strength.
        var context = Context();
        double Change(IPerturbationFamily f)
        {
            double sum = 0;
            for (int i = 0; i < 200; i++)
            {
                var p = f.Sample(context, SeededRandom.FromKey(3, "retouch", i.ToString()));
                foreach (var (key, value) in p.Parameters)
                    if (value is double d) Assert.True(f.Ranges[key].Contains(d), $"{key} = {d}");
                sum += ImageAssert.ForegroundMse(p.Image, context.Real, context.Mask);
            }
            return sum / 200;
        }
        double weak = Change(new RetouchFamily()), strongChange = Change(strong);
        Assert.True(strongChange > 2 * weak, $"fMSE at strength 1.7 {strongChange:F1}, at 1 {weak:F1}");
    }

    [Theory]
    [InlineData("transfer@2")]
    [InlineData("retouch@0")]
    [InlineData("retouch@4")]
    [InlineData("retouch@x")]
    [InlineData("retouch:2@1@2")]
    public void FamilyStrength_BadEntriesAreUsageErrors(string spec) =>
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => SynthesisOptions.ParseFamilies(spec, 1));

    [Fact]
    public void Transfer_PrefersTheSameLabel()
    {
        var context = Context();
        int same = 0, n = 2000;
        for (int i = 0; i < n; i++)
            if (context.References!.Pick(SeededRandom.FromKey(1, "p", i.ToString()), "self", "car")!.Stem == "ref1") same++;
        // P(ref1) = 0.75 + 0.25 · 1/2 = 0.875.
        Assert.InRange(same / (double)n, 0.84, 0.91);
    }

    [Fact]
    public void Transfer_MovesForegroundStatisticsToTheReference()
    {
        var real = TestImages.Gradient(40, 40, seed: 2);
        var mask = Mask.Filled(40, 40, 1f);
        var src = ForegroundStatistics.Compute(real, mask)!;
        var target = ForegroundStatistics.Compute(TestImages.ShiftForeground(TestImages.Gradient(40, 40, seed: 3), mask, 30, -20, 10), mask)!;
        // meanstd and mkl match RGB means up to rounding and clipping at 0/255; reinhard matches lαβ (log space)
        // statistics and histogram matches CDFs, so RGB means only roughly. Half strength moves half the way.
        foreach (var (method, tolerance) in new[] { ("meanstd", 2.0), ("mkl", 2.0), ("reinhard", 8.0), ("histogram", 8.0) })
        {
            var transform = TransferFamily.BuildTransform(method, src, target);
            var full = ForegroundStatistics.Compute(TransferFamily.ApplyWithStrength(real, transform, 1), mask)!;
            var half = ForegroundStatistics.Compute(TransferFamily.ApplyWithStrength(real, transform, 0.5), mask)!;
            for (int c = 0; c < 3; c++)
            {
                Assert.InRange(full.Rgb.Mean[c] - target.Rgb.Mean[c], -tolerance, tolerance);
                Assert.InRange(half.Rgb.Mean[c] - (src.Rgb.Mean[c] + full.Rgb.Mean[c]) / 2, -0.6, 0.6);
            }
        }
    }

    [Theory]
    [InlineData("car", "Vehicle")]
    [InlineData("carLeft", "Vehicle")]
    [InlineData("bus", "Vehicle")]
    [InlineData("boat", "Vehicle")]
    [InlineData("person walking az0deg", "Person")]
    [InlineData("woman", "Person")]
    [InlineData("dog", "Animal")]
    [InlineData("cow", "Animal")]
    [InlineData("bird right near water", "Animal")]
    [InlineData("mandarin", "Food")]
    [InlineData("sky", "Other")]
    [InlineData("carpet", "Other")]
    [InlineData("", "Other")]
    public void Labels_MapToSemanticClasses(string label, string expected) =>
        Assert.Equal(expected, ObjectLabels.ToSemanticClass(label).ToString());

    [Fact]
    public void Labels_CanonicalAndCsvQuoting()
    {
        Assert.Equal("car", ObjectLabels.Canonical("carLeft"));
        Assert.Equal("tree", ObjectLabels.Canonical("trees top"));
        Assert.Equal("sea", ObjectLabels.Canonical("sea water"));
        Assert.Equal(["a.jpg", "pedestrian, left", "x"], ObjectLabels.ParseCsvLine("a.jpg,\"pedestrian, left\",x"));
    }

    [Fact]
    public void Shapes_AreDeterministic_AndCoverAPlausibleArea()
    {
        foreach (var kind in Enum.GetValues<ShapeKind>())
        {
            for (int i = 0; i < 5; i++)
            {
                var a = ShapeMaskGenerator.Generate(64, 48, SeededRandom.FromKey(2, kind.ToString(), i.ToString()), kind);
                var b = ShapeMaskGenerator.Generate(64, 48, SeededRandom.FromKey(2, kind.ToString(), i.ToString()), kind);
                Assert.Equal(a.Mask.Alpha, b.Mask.Alpha);
                Assert.Equal(kind, a.Kind);
                double ratio = a.Mask.ForegroundRatio();
                Assert.InRange(ratio, 0.01, 0.45);
                Assert.All(a.Mask.Alpha, v => Assert.InRange(v, 0f, 1f));
            }
        }
    }
}
