using System.Text.Json;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Core.Color;
using Harmonia.Data.Perturbations;
using Harmonia.Core.Randomness;
using Harmonia.Data.Synthesis;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Data.Perturbations;

/// <summary>The cast family's maths and spread, several photo sources, and the working size (v2 build options).</summary>
public sealed class SourcesAndCastTests
{
    [Fact]
    public void Cast_OutputFollowsItsReportedParameters()
    {
        var real = TestImages.Gradient(24, 16, seed: 3);
        var mask = Mask.Filled(24, 16, 1f);
        var context = new PerturbationContext(real, mask, null, null, "x", "");
        var cast = new CastFamily();
        for (int i = 0; i < 50; i++)
        {
            var p = cast.Sample(context, SeededRandom.FromKey(7, "cast", i.ToString()));
            double Get(string k, double neutral) => p.Parameters.TryGetValue(k, out var v) ? (double)v : neutral;
            double ev = Get("exposure", 0), t = Get("temperature", 0), tint = Get("tint", 0), gamma = Get("gamma", 1), s = Get("gamma_cast", 0);
            double o = Get("offset", 0);
            double[] gain = [Math.Pow(2, ev) * Math.Exp(t), Math.Pow(2, ev) * Math.Exp(tint), Math.Pow(2, ev) * Math.Exp(-t)];
            double[] g = [gamma * Math.Exp(s), gamma, gamma * Math.Exp(-s)];
            double[] add = [o + Get("offset_r", 0), o, o + Get("offset_b", 0)];
            for (int px = 0; px < real.PixelCount; px += 37)
            {
                for (int c = 0; c < 3; c++)
                {
                    double lin = Srgb.ToLinear(real.Pixels[3 * px + c] / 255f) * gain[c];
                    double v = Math.Clamp(Srgb.FromLinear((float)lin), 0, 1);
                    double expected = Math.Clamp(Math.Pow(v, 1 / g[c]) + add[c], 0, 1) * 255;
                    Assert.InRange(p.Image.Pixels[3 * px + c] - expected, -1.0, 1.0);
                }
            }
        }
    }

    [Fact]
    public void Cast_SpansMildToStrongCasts()
    {
        // A mid-grey textured photo: the composite fMSE of 300 draws must include both near-invisible and strong casts.
        var real = TestImages.Gradient(32, 32, seed: 4);
        var mask = TestImages.Ellipse(32, 32);
        var context = new PerturbationContext(real, mask, null, null, "x", "");
        var fmse = Enumerable.Range(0, 300).Select(i =>
        {
            var p = new CastFamily().Sample(context, SeededRandom.FromKey(1, "spread", i.ToString()));
            return CompositeQuality.Measure(ForegroundRenderer.Blend(real, p.Image, mask), real, mask).ForegroundMse;
        }).Order().ToList();
        Assert.InRange(fmse[150], 500, 2500);         // median of the order of iHarmony4's composites
        Assert.True(fmse[30] < 400, $"10th percentile {fmse[30]:F0}: too few mild casts");
        Assert.True(fmse[270] > 3000, $"90th percentile {fmse[270]:F0}: too few strong casts");
    }

    [Theory]
    [InlineData("a,b", "a", "b", null, null, "")]
    [InlineData("a,b,c.csv", "a", "b", "c.csv", null, "")]
    [InlineData("photos=p, masks=m, label=person, prefix=ccp_", "p", "m", null, "person", "ccp_")]
    [InlineData("masks=m,photos=p,labels=l.csv", "p", "m", "l.csv", null, "")]
    public void SourceSpec_Parses(string spec, string photos, string masks, string? labels, string? label, string prefix) =>
        Assert.Equal(new PhotoSource(photos, masks, labels, label, prefix), PhotoSource.Parse(spec));

    [Theory]
    [InlineData("onlyone")]
    [InlineData("a,b,c,d")]
    [InlineData("photos=p")]
    [InlineData("photos=p,masks=m,colour=red")]
    [InlineData("photos=p,masks=m,photos=q")]
    [InlineData("photos=p,masks=m,prefix=a/b")]
    public void SourceSpec_RejectsBadSpecs(string spec) =>
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => PhotoSource.Parse(spec));

    [Theory]
    [InlineData(550, 832, 256, 256, 387)]
    [InlineData(341, 256, 256, 341, 256)]
    [InlineData(900, 600, 300, 450, 300)]
    public void WorkingDimensions_ScaleTheShortSide(int w, int h, int size, int ew, int eh) =>
        Assert.Equal((ew, eh), DatasetSynthesizer.WorkingDimensions(w, h, size));

    /// <summary>Two sources with the same file stems: "big" (portrait 40x60, person-only) and "small" (20x16, CSV labels).</summary>
    static (PhotoSource Big, PhotoSource Small) MakeTwoSources(TempFolder temp)
    {
        PhotoSource Write(string name, int n, int w, int h, bool csv)
        {
            var photos = Path.Combine(temp.Path, name, "photos");
            var masks = Path.Combine(temp.Path, name, "masks");
            Directory.CreateDirectory(photos);
            Directory.CreateDirectory(masks);
            var lines = new List<string> { "file,object" };
            for (int i = 0; i < n; i++)
            {
                var photo = TestImages.ShiftForeground(TestImages.Gradient(w, h, seed: 10 * i + w), Mask.Filled(w, h, 1f), i * 19 % 60 - 30, 20 - i * 13 % 50, 0);
                ImageCodec.Write(photo, Path.Combine(photos, $"{i:D2}.jpg"));
                ImageCodec.WriteMask(TestImages.Ellipse(w, h), Path.Combine(masks, $"{i:D2}.png"));
                lines.Add($"{i:D2}.jpg,{(i % 2 == 0 ? "car" : "sky")}");
            }
            string? labels = null;
            if (csv) File.WriteAllLines(labels = Path.Combine(temp.Path, name, "index.csv"), lines);
            return csv ? new PhotoSource(photos, masks, labels) : new PhotoSource(photos, masks, Label: "person", Prefix: "big_");
        }
        return (Write("big", 5, 40, 60, false), Write("small", 5, 20, 16, true));
    }

    static SynthesisOptions TwoSourceOptions(PhotoSource big, PhotoSource small, string outDir, int parallelism = 2) => new()
    {
        Sources = [small, big],
        OutDir = outDir,
        WorkingSize = 32,
        Families = SynthesisOptions.ParseFamilies("cast:2,retouch", 1),
        Seed = 9,
        TestFraction = 0.4,
        Parallelism = parallelism,
    };

    [Fact]
    public void TwoSources_PrefixedNames_SplitPerSource_Labels()
    {
        using var temp = new TempFolder();
        var (big, small) = MakeTwoSources(temp);
        var root = Path.Combine(temp.Path, "out");
        var report = new DatasetSynthesizer(TwoSourceOptions(big, small, root)).Run();
        Assert.Equal(4, report.TestPhotos); // round(0.4 · 5) per source
        Assert.Equal(6, report.TrainPhotos);
        var rows = File.ReadAllLines(Path.Combine(root, DatasetSynthesizer.SidecarName)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(10 * 3, rows.Count);
        foreach (var prefix in new[] { "big_", "" })
        {
            var mine = rows.Where(r => r.GetProperty("composite").GetString()!.StartsWith("big_", StringComparison.Ordinal) == (prefix == "big_")).ToList();
            Assert.Equal(2, mine.Where(r => r.GetProperty("split").GetString() == "test").Select(r => r.GetProperty("photo").GetString()).Distinct().Count());
        }
        var labels = SemanticLabels.Read(root);
        Assert.Equal(SemanticClass.Person, labels["big_03_1_1.png"]);
        Assert.Equal(SemanticClass.Vehicle, labels["02_1_1.png"]);
        Assert.Equal(SemanticClass.Other, labels["03_1_1.png"]);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, DatasetSynthesizer.ManifestName)));
        Assert.Equal(2, manifest.RootElement.GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public void WorkingSize_DownscalesLargePhotos_KeepsSmallOnes_BackgroundIsTheStoredReal()
    {
        using var temp = new TempFolder();
        var (big, small) = MakeTwoSources(temp);
        var root = Path.Combine(temp.Path, "out");
        new DatasetSynthesizer(TwoSourceOptions(big, small, root)).Run();
        var samples = IHarmony4Layout.Read(root, null);
        Assert.Equal(30, samples.Count);
        foreach (var s in samples)
        {
            var composite = ImageCodec.Read(s.CompositePath);
            var real = ImageCodec.Read(s.RealPath!);
            var mask = ImageCodec.ReadMask(s.MaskPath);
            bool isBig = s.Name.StartsWith("big_", StringComparison.Ordinal);
            Assert.Equal(isBig ? (32, 48) : (20, 16), (composite.Width, composite.Height));
            Assert.Equal((composite.Width, composite.Height), (real.Width, real.Height));
            Assert.Equal((composite.Width, composite.Height), (mask.Width, mask.Height));
            var stem = Path.GetFileNameWithoutExtension(s.RealPath!);
            if (!isBig) Assert.Equal(File.ReadAllBytes(Path.Combine(small.PhotosDir, stem + ".jpg")), File.ReadAllBytes(s.RealPath!));
            // The downscaled mask keeps the ellipse's share of the picture (≈ 0.2 of the area at threshold 0.5).
            Assert.InRange(mask.ForegroundRatio(), 0.15, 0.3);
            ImageAssert.BackgroundUnchanged(real, composite, mask);
            Assert.True(mask.Alpha.Count(a => a == 0f) > real.PixelCount / 2);
            Assert.True(CompositeQuality.Accept(CompositeQuality.Measure(composite, real, mask)), s.Name);
        }
    }

    [Fact]
    public void TwoSources_SameSeed_SameBytes()
    {
        using var temp = new TempFolder();
        var (big, small) = MakeTwoSources(temp);
        var a = Path.Combine(temp.Path, "a");
        var b = Path.Combine(temp.Path, "b");
        new DatasetSynthesizer(TwoSourceOptions(big, small, a, parallelism: 1)).Run();
        new DatasetSynthesizer(TwoSourceOptions(big, small, b, parallelism: 4)).Run();
        var fa = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != DatasetSynthesizer.ManifestName)
            .ToDictionary(f => Path.GetRelativePath(a, f), File.ReadAllBytes);
        Assert.Equal(fa.Count, Directory.GetFiles(b, "*", SearchOption.AllDirectories).Length - 1);
        Assert.True(fa.Keys.Count(k => k.Contains("composite_images")) == 30);
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, name))), $"{name} differs");
    }

    [Theory]
    [InlineData("--size", "8")]
    [InlineData("--photos", "PHOTOS")]
    [InlineData("--labels", "x.csv")]
    public void Synth_WithSource_RejectsBadCombinations(string option, string value)
    {
        using var temp = new TempFolder();
        var (big, _) = MakeTwoSources(temp);
        var outDir = Path.Combine(temp.Path, "o");
        int code = Harmonia.Cli.HarmoniaCli.Run(["dataset", "synth", "--source", $"photos={big.PhotosDir},masks={big.MasksDir}",
            option, value == "PHOTOS" ? big.PhotosDir : value, "--out", outDir]);
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(outDir));
    }
}
