using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.PIH;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;
using Harmonia.Training.Data;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods.PIH;
using Harmonia.Training.Optimization;
using TorchSharp;

namespace Harmonia.Tests.Training.Methods.PIH;

public class PIHTrainingTaskTests
{
    static PIHTrainingTaskTests() => TorchRuntime.EnsureAvailable();

    /// <summary>Writes a tiny Lalonde–Efros-like folder (composites, masks, photos) and a ccp-persons-like folder.</summary>
    static (string Lalonde, string Persons) RealFolders(string root)
    {
        string lalonde = Path.Combine(root, "lalonde"), persons = Path.Combine(root, "persons");
        foreach (var d in new[] { "composites", "composite-masks", "photos" }) Directory.CreateDirectory(Path.Combine(lalonde, d));
        foreach (var d in new[] { "photos", "masks" }) Directory.CreateDirectory(Path.Combine(persons, d));
        for (int i = 0; i < 3; i++)
        {
            var image = TestImages.Gradient(80, 60, seed: 10 + i);
            ImageCodec.Write(image, Path.Combine(lalonde, "composites", $"c{i}.png"));
            ImageCodec.WriteMask(TestImages.Ellipse(80, 60), Path.Combine(lalonde, "composite-masks", $"c{i}.png"));
            ImageCodec.Write(image, Path.Combine(lalonde, "photos", $"p{i}.jpg"));
            ImageCodec.Write(TestImages.Gradient(55, 83, seed: 20 + i), Path.Combine(persons, "photos", $"000{i}.jpg"));
            ImageCodec.WriteMask(TestImages.Ellipse(55, 83), Path.Combine(persons, "masks", $"000{i}.png"));
        }
        return (lalonde, persons);
    }

    static MethodSettings Settings(string lalonde, string persons, params string[] more) => MethodSettings.Parse(
        [$"real-composites={lalonde}", $"persons={persons}", "input-size=32", "gain-size=16", "gain-channels=4", "hidden=16", .. more]);

    static TrainerOptions Options(string output, long steps, double lr) => new()
    {
        OutputDirectory = output,
        Epochs = 100,
        MaxSteps = steps,
        OptimizerSettings = new OptimizerSettings(LearningRate: lr, WeightDecay: 0),
        Adversarial = null,
        LogEvery = 1,
        CheckpointEvery = 1000,
        PlotEvery = 1000,
        Seed = 3,
        Threads = 1,
    };

    static HarmonizationLoader Loader(string data) => HarmonizationLoader.Open(data, "train", new LoaderOptions { Size = 64, BatchSize = 2, Seed = 1 });

    static List<Dictionary<string, double>> Rows(string log)
    {
        var lines = File.ReadAllLines(log);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(','), (h, v) => (h, v))
            .Where(p => p.v.Length > 0).ToDictionary(p => p.h, p => double.Parse(p.v, CultureInfo.InvariantCulture))).ToList();
    }

    [Fact]
    public void Dual_stream_training_draws_both_streams_and_ships_weights_the_harmonizer_loads()
    {
        using var s = TrainingScratch.WithLayout(12, 64, 64);
        var (lalonde, persons) = RealFolders(s.Root);
        var output = s.Path_("run");
        using var task = PIHTraining.Create(Settings(lalonde, persons), 64, 1, output);
        var result = new Trainer(task, Loader(s.Data), null, Options(output, 10, 1e-3), new LineProgress(TextWriter.Null)).Run();
        Assert.Equal(10, result.Steps);
        var rows = Rows(Path.Combine(output, "log.csv"));
        Assert.Contains(rows, r => r["unsup"] == 1);
        Assert.Contains(rows, r => r["unsup"] == 0);
        // Supervised steps log L1 and the adversarial term; unsupervised ones only their adversarial term.
        Assert.All(rows.Where(r => r["unsup"] == 0), r => Assert.True(r.ContainsKey("l1") && double.IsFinite(r["l1"])));
        Assert.All(rows, r => Assert.True(double.IsFinite(r["loss"]) && double.IsFinite(r["adv_d"])));
        task.SaveDiscriminator();
        Assert.True(File.Exists(Path.Combine(output, "pih-discriminator.safetensors")));
        using var harmonizer = new PIHHarmonizer(PIHWeights.Load(result.WeightsPath));
        var composite = TestImages.Gradient(50, 40, seed: 2);
        var mask = TestImages.Ellipse(50, 40);
        ImageAssert.BackgroundUnchanged(composite, harmonizer.Harmonize(composite, mask), mask);
    }

    [Fact]
    public void Supervised_stream_lowers_the_foreground_l1()
    {
        using var s = TrainingScratch.WithLayout(16, 64, 64, seed: 4);
        var output = s.Path_("run");
        // The heads' initial weights come from the process-wide generator: seeded here, so they do not depend on
        // how many numbers the tests that ran before happened to draw.
        TorchSharp.torch.manual_seed(3);
        using var task = PIHTraining.Create(Settings("none", "none", "unsupervised-ratio=0", "l1-weight=1"), 64, 1, output);
        new Trainer(task, Loader(s.Data), null, Options(output, 40, 3e-3), new LineProgress(TextWriter.Null)).Run();
        var l1 = Rows(Path.Combine(output, "log.csv")).Select(r => r["l1"]).ToList();
        double first = l1.Take(5).Average(), last = l1.TakeLast(5).Average();
        Assert.True(last < 0.8 * first, $"foreground L1 went {first:F4} -> {last:F4}");
    }

    [Fact]
    public void Real_composite_stream_makes_square_binary_samples_with_both_regions()
    {
        using var s = new TrainingScratch();
        var (lalonde, persons) = RealFolders(s.Root);
        var stream = new RealCompositeStream(lalonde, persons, 48);
        Assert.Equal((3, 3, 3), (stream.CompositeCount, stream.PersonCount, stream.BackgroundCount));
        using var scope = torch.NewDisposeScope();
        var (composite, mask) = stream.Next(6, new Random(2));
        Assert.Equal(new long[] { 6, 3, 48, 48 }, composite.shape);
        Assert.Equal(new long[] { 6, 1, 48, 48 }, mask.shape);
        var alpha = mask.data<float>().ToArray();
        Assert.All(alpha, a => Assert.True(a == 0f || a == 1f));
        for (int i = 0; i < 6; i++)
        {
            double fg = alpha.AsSpan(i * 48 * 48, 48 * 48).ToArray().Sum();
            Assert.InRange(fg, 1, 48 * 48 - 1);
        }
        Assert.Throws<UsageException>(() => new RealCompositeStream(Path.Combine(s.Root, "missing"), null, 48));
        // The training data's test photos (here a background p1 and a person 0002 under a dataset prefix) are left out.
        var kept = new RealCompositeStream(lalonde, persons, 48, new HashSet<string> { "p1", "ccp_0002" });
        Assert.Equal((3, 2, 2), (kept.CompositeCount, kept.PersonCount, kept.BackgroundCount));
    }

    [Fact]
    public void Test_split_photos_are_the_stems_of_the_test_lists()
    {
        using var s = new TrainingScratch();
        Directory.CreateDirectory(Path.Combine(s.Root, "HCast"));
        File.WriteAllLines(Path.Combine(s.Root, "HCast", "HCast_test.txt"), ["ccp_0013_1_1.png", "ccp_0013_1_2.png", "image_100166_2_1.png"]);
        File.WriteAllLines(Path.Combine(s.Root, "HCast", "HCast_train.txt"), ["ccp_0001_1_1.png"]);
        Assert.Equal(new[] { "ccp_0013", "image_100166" }, TestSplitPhotos.Stems(s.Root).Order());
    }

    [Fact]
    public void Free_pixel_ablation_trains_but_cannot_harmonize()
    {
        using var s = TrainingScratch.WithLayout(8, 64, 64);
        var (lalonde, persons) = RealFolders(s.Root);
        var output = s.Path_("run");
        using var task = PIHTraining.Create(Settings(lalonde, persons, "free-pixel=true", "gain-size=64"), 64, 1, output);
        var result = new Trainer(task, Loader(s.Data), null, Options(output, 4, 1e-3), new LineProgress(TextWriter.Null)).Run();
        Assert.All(Rows(Path.Combine(output, "log.csv")), r => Assert.True(double.IsFinite(r["loss"])));
        var e = Assert.Throws<HarmoniaException>(() => new PIHHarmonizer(PIHWeights.Load(result.WeightsPath)));
        Assert.Contains("free-pixel", e.Message);
    }
}
