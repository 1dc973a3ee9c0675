using Harmonia.Core.Imaging;
using Harmonia.Data.Color;
using Harmonia.Data.Labels;
using Harmonia.Data.Perturbations;
using Harmonia.Data.Randomness;
using Harmonia.Data.Shapes;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Data;

/// <summary>Parameter ranges of every family, the transfer maths, labels and shape masks.</summary>
public sealed class FamilyTests
{
    static PerturbationContext Context()
    {
        var real = TestImages.Gradient(16, 12, seed: 5);
        var mask = TestImages.Ellipse(16, 12);
        var stats = ForegroundStats.Compute(real, mask)!;
        var other = TestImages.Gradient(16, 12, seed: 9);
        var pool = new ReferencePool([
            new ReferencePhoto("self", "car", stats),
            new ReferencePhoto("ref1", "car", ForegroundStats.Compute(other, mask)!),
            new ReferencePhoto("ref2", "sky", ForegroundStats.Compute(TestImages.Gradient(16, 12, seed: 11), mask)!),
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
                var p = family.Sample(context, SampleRng.FromKey(11, family.Name, i.ToString()));
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
    public void Transfer_PrefersTheSameLabel()
    {
        var context = Context();
        int same = 0, n = 2000;
        for (int i = 0; i < n; i++)
            if (context.References!.Pick(SampleRng.FromKey(1, "p", i.ToString()), "self", "car")!.Stem == "ref1") same++;
        // P(ref1) = 0.75 + 0.25 · 1/2 = 0.875.
        Assert.InRange(same / (double)n, 0.84, 0.91);
    }

    [Fact]
    public void MeanStdAndMkl_MoveForegroundStatisticsToTheReference()
    {
        var real = TestImages.Gradient(40, 40, seed: 2);
        var mask = Mask.Filled(40, 40, 1f);
        var src = ForegroundStats.Compute(real, mask)!;
        var target = ForegroundStats.Compute(TestImages.ShiftForeground(TestImages.Gradient(40, 40, seed: 3), mask, 30, -20, 10), mask)!;
        // meanstd and mkl match RGB means up to rounding and clipping at 0/255; reinhard matches lαβ (log space) statistics, so RGB means only roughly.
        foreach (var (method, tolerance) in new[] { ("meanstd", 2.0), ("mkl", 2.0), ("reinhard", 8.0) })
        {
            var map = TransferFamily.BuildMap(method, src, target);
            var outImage = PerturbationFamilies.MapForeground(real, mask, rgb => map(rgb));
            var got = ForegroundStats.Compute(outImage, mask)!;
            for (int c = 0; c < 3; c++) Assert.InRange(got.RgbMean[c] - target.RgbMean[c], -tolerance, tolerance);
        }
    }

    [Fact]
    public void HistogramMatching_OfIdenticalHistograms_IsIdentity()
    {
        var h = new int[256];
        for (int i = 0; i < 256; i++) h[i] = i % 7 + 1;
        var lut = TransferFamily.MatchHistogram(h, h);
        for (int i = 0; i < 256; i++) Assert.Equal(i, lut[i]);
    }

    [Fact]
    public void Mkl_MapsSourceCovarianceOntoTarget()
    {
        double[] cs = [400, 50, 10, 50, 300, 20, 10, 20, 200];
        double[] ct = [100, -20, 5, -20, 900, 30, 5, 30, 250];
        var t = SymmetricMatrix3.MongeKantorovich(cs, ct);
        var tt = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) tt[i * 3 + j] = t[j * 3 + i];
        var got = SymmetricMatrix3.Multiply(SymmetricMatrix3.Multiply(t, cs), tt);
        for (int i = 0; i < 9; i++) Assert.Equal(ct[i], got[i], 6);
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
                var a = ShapeMaskGenerator.Generate(64, 48, SampleRng.FromKey(2, kind.ToString(), i.ToString()), kind);
                var b = ShapeMaskGenerator.Generate(64, 48, SampleRng.FromKey(2, kind.ToString(), i.ToString()), kind);
                Assert.Equal(a.Mask.Alpha, b.Mask.Alpha);
                Assert.Equal(kind, a.Kind);
                double ratio = a.Mask.ForegroundRatio();
                Assert.InRange(ratio, 0.01, 0.45);
                Assert.All(a.Mask.Alpha, v => Assert.InRange(v, 0f, 1f));
            }
        }
    }
}
