using Harmonia.Core.Metrics;
using System.Text.Json;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Data.Synthesis;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Data.Synthesis;

/// <summary>End-to-end checks of <see cref="DatasetSynthesizer"/> on tiny generated photos and masks.</summary>
public sealed class SynthesisTests
{
    const int PhotoCount = 6;

    /// <summary>Writes tiny photos (JPEG, like the Lalonde set) with ellipse masks and a labels CSV.</summary>
    static (string Photos, string Masks, string Labels) MakeSources(TempFolder temp)
    {
        var photos = Path.Combine(temp.Path, "photos");
        var masks = Path.Combine(temp.Path, "masks");
        Directory.CreateDirectory(photos);
        Directory.CreateDirectory(masks);
        var labels = new List<string> { "file,kind,mask,object,source" };
        string[] objects = ["car", "carLeft", "person", "\"dog, left\"", "sky", "tree"];
        for (int i = 0; i < PhotoCount; i++)
        {
            int w = 24 + 2 * i, h = 20;
            // Distinct colour casts per photo, so colour transfer between them is visible.
            var photo = TestImages.ShiftForeground(TestImages.Gradient(w, h, seed: i + 1), Mask.Filled(w, h, 1f),
                (i * 37) % 90 - 45, (i * 53) % 90 - 45, (i * 71) % 90 - 45);
            ImageCodec.Write(photo, Path.Combine(photos, $"img_{i}.jpg"));
            ImageCodec.WriteMask(TestImages.Ellipse(w, h), Path.Combine(masks, $"img_{i}.png"));
            labels.Add($"img_{i}.jpg,photo,img_{i}.png,{objects[i]},x");
        }
        var csv = Path.Combine(temp.Path, "index.csv");
        File.WriteAllLines(csv, labels);
        return (photos, masks, csv);
    }

    static SynthesisOptions Options(string photos, string masks, string labels, string outDir, int parallelism = 2, int seed = 3) => new()
    {
        PhotosDir = photos,
        MasksDir = masks,
        OutDir = outDir,
        LabelsCsv = labels,
        Families = SynthesisOptions.ParseFamilies("transfer:2,retouch,jitter,daylight", 1),
        Seed = seed,
        TestFraction = 0.34,
        Parallelism = parallelism,
    };

    static Dictionary<string, byte[]> Files(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != DatasetSynthesizer.ManifestName)
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes);

    [Fact]
    public void SameSeed_SameBytes_RegardlessOfParallelism()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var a = Path.Combine(temp.Path, "a");
        var b = Path.Combine(temp.Path, "b");
        new DatasetSynthesizer(Options(p, m, l, a, parallelism: 1)).Run();
        new DatasetSynthesizer(Options(p, m, l, b, parallelism: 4)).Run();
        var fa = Files(a);
        var fb = Files(b);
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs");
        Assert.Contains(fa.Keys, k => k.EndsWith(".png", StringComparison.Ordinal) && k.Contains("composite_images"));

        var c = Path.Combine(temp.Path, "c");
        new DatasetSynthesizer(Options(p, m, l, c, seed: 4)).Run();
        var fc = Files(c);
        Assert.Contains(fa, kv => kv.Key.Contains("composite_images") && (!fc.TryGetValue(kv.Key, out var other) || !other.AsSpan().SequenceEqual(kv.Value)));
    }

    [Fact]
    public void SameSeed_RebuildIsByteIdentical_ManifestIncluded()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var a = Path.Combine(temp.Path, "a");
        new DatasetSynthesizer(Options(p, m, l, a)).Run();
        var first = Directory.GetFiles(a, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        Directory.Delete(a, recursive: true);
        Thread.Sleep(1100);   // a build time with one-second resolution would now differ
        new DatasetSynthesizer(Options(p, m, l, a)).Run();
        Assert.Contains(first.Keys, f => Path.GetFileName(f) == DatasetSynthesizer.ManifestName);
        foreach (var (name, bytes) in first) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(name)), $"{name} differs");
    }

    [Fact]
    public void Resume_KeepsExistingFiles_AndWritesTheSameDataset()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var a = Path.Combine(temp.Path, "a");
        new DatasetSynthesizer(Options(p, m, l, a)).Run();
        var before = Files(a);
        var victim = before.Keys.First(k => k.Contains("composite_images"));
        File.Delete(Path.Combine(a, victim));
        File.Delete(Path.Combine(a, DatasetSynthesizer.ManifestName));
        new DatasetSynthesizer(Options(p, m, l, a) with { Resume = true }).Run();
        var after = Files(a);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"{name} differs");
        Assert.True(File.Exists(Path.Combine(a, DatasetSynthesizer.ManifestName)));
    }

    [Fact]
    public void TrainAndTest_AreDisjointBySourcePhoto()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var root = Path.Combine(temp.Path, "out");
        var report = new DatasetSynthesizer(Options(p, m, l, root)).Run();
        Assert.True(report.Rejected.Count == 0, string.Join(", ", report.Rejected.Select(r => $"{r.Key}: {r.Value}")));
        Assert.Equal(2, report.TestPhotos); // round(0.34 · 6)
        Assert.Equal(4, report.TrainPhotos);
        var train = IHarmony4Layout.Read(root, "train");
        var test = IHarmony4Layout.Read(root, "test");
        Assert.NotEmpty(train);
        Assert.NotEmpty(test);
        var trainPhotos = train.Select(s => Path.GetFileName(s.RealPath!)).ToHashSet();
        var testPhotos = test.Select(s => Path.GetFileName(s.RealPath!)).ToHashSet();
        Assert.Empty(trainPhotos.Intersect(testPhotos));
        Assert.Equal(PhotoCount, trainPhotos.Count + testPhotos.Count);
        // Every family has both splits, and the sidecar agrees with the lists.
        foreach (var subset in new[] { "HTransfer", "HRetouch", "HJitter", "HDaylight" })
            Assert.Contains(test, s => s.Subset == subset);
        var lines = File.ReadAllLines(Path.Combine(root, DatasetSynthesizer.SidecarName));
        Assert.Equal(train.Count + test.Count, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var photo = doc.RootElement.GetProperty("photo").GetString()!;
            Assert.Equal(testPhotos.Contains(photo) ? "test" : "train", doc.RootElement.GetProperty("split").GetString());
        }
        Assert.True(File.Exists(Path.Combine(root, DatasetSynthesizer.ManifestName)));
    }

    [Fact]
    public void IdentityFamily_CompositeIsTheRealPhoto_PassesTheGateAtZeroFmse()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var root = Path.Combine(temp.Path, "out");
        var report = new DatasetSynthesizer(Options(p, m, l, root) with { Families = SynthesisOptions.ParseFamilies("identity,daylight", 1) }).Run();
        var samples = IHarmony4Layout.Read(root, null);
        var identity = samples.Where(s => s.Subset == "HIdentity").ToList();
        Assert.Equal(PhotoCount, identity.Count); // the fMSE ≥ 50 gate would reject every one of them
        foreach (var s in identity)
            Assert.Equal(ImageCodec.Read(s.RealPath!).Pixels, ImageCodec.Read(s.CompositePath).Pixels);
        Assert.Equal(PhotoCount, samples.Count(s => s.Subset == "HDaylight")); // other families keep the gate
        Assert.All(report.Samples.Where(r => r.Family == "daylight"), r => Assert.True(r.ForegroundMse >= CompositeQuality.DefaultMinForegroundMse));
    }

    [Fact]
    public void Background_IsTheRealPhoto_MaskIsTheSource_SizesAgree()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var root = Path.Combine(temp.Path, "out");
        new DatasetSynthesizer(Options(p, m, l, root)).Run();
        var samples = IHarmony4Layout.Read(root, null);
        Assert.Equal(PhotoCount * 5, samples.Count); // 2 + 1 + 1 + 1 variants per photo, none rejected on these images
        foreach (var s in samples)
        {
            var composite = ImageCodec.Read(s.CompositePath);
            var real = ImageCodec.Read(s.RealPath!);
            var mask = ImageCodec.ReadMask(s.MaskPath);
            Assert.Equal((real.Width, real.Height), (composite.Width, composite.Height));
            Assert.Equal((real.Width, real.Height), (mask.Width, mask.Height));
            var stem = Path.GetFileNameWithoutExtension(s.RealPath!);
            Assert.Equal(File.ReadAllBytes(Path.Combine(m, stem + ".png")), File.ReadAllBytes(s.MaskPath));
            Assert.Equal(File.ReadAllBytes(Path.Combine(p, stem + ".jpg")), File.ReadAllBytes(s.RealPath!));
            int changedFg = 0;
            for (int i = 0; i < real.PixelCount; i++)
            {
                bool same = composite.Pixels[3 * i] == real.Pixels[3 * i] && composite.Pixels[3 * i + 1] == real.Pixels[3 * i + 1]
                    && composite.Pixels[3 * i + 2] == real.Pixels[3 * i + 2];
                if (mask.Alpha[i] == 0f) Assert.True(same, $"{s.Name}: background pixel {i} changed");
                else if (!same) changedFg++;
            }
            Assert.True(changedFg > 0, $"{s.Name}: foreground unchanged");
            var err = CompositeQuality.Measure(composite, real, mask);
            Assert.True(CompositeQuality.Accept(err), $"{s.Name}: fMSE {err.ForegroundMse}");
        }
    }

    [Fact]
    public void SemanticLabels_FollowTheObjectLabels()
    {
        using var temp = new TempFolder();
        var (p, m, l) = MakeSources(temp);
        var root = Path.Combine(temp.Path, "out");
        new DatasetSynthesizer(Options(p, m, l, root)).Run();
        var labels = SemanticLabels.Read(root);
        Assert.Equal(SemanticClass.Vehicle, labels["img_0_1_1.png"]);
        Assert.Equal(SemanticClass.Vehicle, labels["img_1_1_1.png"]);
        Assert.Equal(SemanticClass.Person, labels["img_2_1_1.png"]);
        Assert.Equal(SemanticClass.Animal, labels["img_3_1_1.png"]);
        Assert.Equal(SemanticClass.Other, labels["img_4_1_1.png"]);
    }

    [Fact]
    public void Quality_GateUsesCoreScoresAndCountsNewlyClippedPixels()
    {
        // 3x1, pixels 0 and 1 foreground. Pixel 0 is newly clipped in two channels (0 and 255), pixel 1 in one only.
        var real = new RgbImage(3, 1, [10, 200, 50, 20, 20, 20, 30, 30, 30]);
        var comp = new RgbImage(3, 1, [0, 255, 50, 0, 40, 40, 31, 31, 31]);
        var mask = new Mask(3, 1, [1f, 1f, 0f]);
        var e = CompositeQuality.Measure(comp, real, mask);
        Assert.Equal(MetricProtocols.Harmonia.Score(comp, real, mask).Fmse, e.ForegroundMse);
        Assert.Equal(0.5, e.ClippedFraction);
        Assert.True(CompositeQuality.Accept(e));
        Assert.False(CompositeQuality.Accept(e, maxClipped: 0.4));
        // An empty foreground never passes, whatever the limits.
        Assert.False(CompositeQuality.Accept(CompositeQuality.Measure(comp, real, Mask.Filled(3, 1, 0f)), minFmse: 0));
    }
}

/// <summary>The CLI commands and the statistics on a tiny built dataset.</summary>
public sealed class DatasetCommandTests
{
    [Fact]
    public void SynthThenStats_CountsAndFmseAgreeWithTheSidecar()
    {
        using var temp = new TempFolder();
        var photos = Path.Combine(temp.Path, "p");
        var masks = Path.Combine(temp.Path, "m");
        Directory.CreateDirectory(photos);
        Directory.CreateDirectory(masks);
        for (int i = 0; i < 4; i++)
        {
            var photo = TestImages.ShiftForeground(TestImages.Gradient(20, 16, seed: i), Mask.Filled(20, 16, 1f), i * 20 - 30, 30 - i * 20, 0);
            ImageCodec.Write(photo, Path.Combine(photos, $"q{i}.jpg"));
            ImageCodec.WriteMask(TestImages.Ellipse(20, 16), Path.Combine(masks, $"q{i}.png"));
        }
        var root = Path.Combine(temp.Path, "ds");
        int code = Harmonia.Cli.HarmoniaCli.Run(["dataset", "synth", "--photos", photos, "--masks", masks, "--out", root,
            "--families", "retouch:2,daylight", "--test-fraction", "0.25", "--seed", "5"]);
        Assert.Equal(0, code);
        var stats = Harmonia.Data.Stats.DatasetStatistics.Measure(root);
        var sidecar = File.ReadAllLines(Path.Combine(root, DatasetSynthesizer.SidecarName))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .ToDictionary(e => (e.GetProperty("subset").GetString()!, Path.GetFileNameWithoutExtension(e.GetProperty("composite").GetString()!)),
                e => e.GetProperty("fmse").GetDouble());
        Assert.Equal(sidecar.Count, stats.Count);
        foreach (var s in stats) Assert.Equal(sidecar[(s.Subset, s.Name)], s.Scores!.Fmse, 2);
        var groups = Harmonia.Data.Stats.DatasetStatistics.Summarize(stats);
        Assert.Equal(3, groups.Single(g => g.Subset == "HRetouch" && g.Split == "train").Count / 2);
        Assert.Equal(3, groups.Single(g => g.Subset == "HDaylight" && g.Split == "test").Count); // 1 test photo × --variants default 3
        var plots = Harmonia.Data.Stats.StatisticsPlots.Write(stats, Path.Combine(temp.Path, "plots"));
        Assert.All(plots, p => Assert.True(new FileInfo(p).Length > 1000));
    }

    [Fact]
    public void Synth_RejectsAnUnknownFamily_WithUsageExitCode()
    {
        using var temp = new TempFolder();
        int code = Harmonia.Cli.HarmoniaCli.Run(["dataset", "synth", "--photos", temp.Path, "--masks", temp.Path, "--out",
            Path.Combine(temp.Path, "o"), "--families", "sepia"]);
        Assert.Equal(2, code);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "o")));
    }
}
