using System.Text.Json;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Data.Rendering;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Data.Rendering;

/// <summary>
/// <c>dataset render</c> end to end with the real Blender: one tiny scene (64², 4 samples, one view, one thread).
/// Skipped when Blender is not installed (<c>.ci/run</c> installs it).
/// </summary>
public sealed class BlenderRenderTests
{
    const string SkipMessage = "Blender is not installed (apt-get install blender; .ci/run does it); the render test is skipped.";

    static RenderOptions Tiny(string outDir) => new()
    {
        OutDir = outDir, Scenes = 1, Size = 64, Samples = 4, Threads = 1, Views = 1, Seed = 11, TestFraction = 0,
    };

    [SkippableFact]
    public void One_tiny_scene_gives_a_valid_deterministic_layout_with_exact_masks_and_distinct_styles()
    {
        Skip.If(BlenderRunner.Find() is null, SkipMessage);
        using var temp = new TempFolder();
        var a = Path.Combine(temp.Path, "a", "set");
        var report = new RenderedDatasetBuilder(Tiny(a)).Run();
        Assert.Empty(report.Skipped);
        Assert.Equal(10, report.Renders);

        // Valid iHarmony4 layout: every listed composite resolves to its mask and real; 10 reals x 9 foreground styles.
        var samples = IHarmony4Layout.Read(a, "train");
        Assert.Equal(90, samples.Count);
        Assert.All(samples, s => Assert.NotNull(s.RealPath));
        Assert.True(File.Exists(Path.Combine(a, RenderedDatasetBuilder.ManifestName)));

        // Masks exact: binary, non-empty, and equal to the object-index pass of a direct Blender run of the same scene.
        var sceneJson = Path.Combine(a, RenderedDatasetBuilder.ScenesFolder, "rd00001.json");
        var raw = Path.Combine(temp.Path, "raw");
        var script = Path.Combine(temp.Path, "render_scene.py");
        File.WriteAllText(script, BlenderRunner.ScriptText());
        BlenderRunner.Require().Render(script, sceneJson, raw, 1, null, CancellationToken.None);
        var mask = ImageCodec.ReadMask(samples[0].MaskPath);
        Assert.All(mask.Alpha, v => Assert.True(v is 0f or 1f));
        int fg = mask.ForegroundCount();
        Assert.InRange(fg, 20, mask.Alpha.Length - 20);
        var rawMask = ImageCodec.ReadMask(Path.Combine(raw, "v1_s05_mask.png"));
        Assert.Equal(rawMask.Alpha, mask.Alpha);
        // The real of style 5 is Blender's style-5 render, pixel for pixel.
        var real5 = ImageCodec.Read(Path.Combine(a, RenderedDatasetBuilder.Subset, IHarmony4Layout.Reals, "rd00001v1s05.png"));
        Assert.True(real5.ContentEquals(ImageCodec.Read(Path.Combine(raw, "v1_s05.png"))), "Blender's render of the same scene changed");

        // Composite = ground truth outside the mask, and the foreground render inside it.
        foreach (var s in samples.Where((_, i) => i % 7 == 0))
        {
            var composite = ImageCodec.Read(s.CompositePath);
            var real = ImageCodec.Read(s.RealPath!);
            var fgStyle = int.Parse(s.Name.Split('_')[^1], System.Globalization.CultureInfo.InvariantCulture);
            var fgRender = ImageCodec.Read(Path.Combine(raw, $"v1_s{fgStyle:D2}.png"));
            int insideDiffers = 0;
            for (int i = 0; i < mask.Alpha.Length; i++)
            {
                for (int c = 0; c < 3; c++)
                {
                    if (mask.Alpha[i] == 0) Assert.Equal(real.Pixels[3 * i + c], composite.Pixels[3 * i + c]);
                    else Assert.Equal(fgRender.Pixels[3 * i + c], composite.Pixels[3 * i + c]);
                }
                if (mask.Alpha[i] == 1 && composite.Pixels[3 * i] != real.Pixels[3 * i]) insideDiffers++;
            }
            Assert.True(insideDiffers > fg / 4, $"{s.Name}: the foreground barely differs from the ground truth ({insideDiffers}/{fg})");
        }

        // Sidecar: styles and soft labels for every composite.
        var lines = File.ReadAllLines(Path.Combine(a, RenderedDatasetBuilder.SidecarName));
        Assert.Equal(90, lines.Length);
        using (var first = JsonDocument.Parse(lines[0]))
        {
            var root = first.RootElement;
            Assert.NotEqual(root.GetProperty("fg_style").GetInt32(), root.GetProperty("bg_style").GetInt32());
            double sum = root.GetProperty("composite_label").EnumerateArray().Sum(e => e.GetDouble());
            Assert.Equal(1.0, sum, 3);
            Assert.Equal("human", root.GetProperty("category").GetString());
        }

        // The styles differ measurably: background brightness of clear noon vs night, and every pair of styles.
        var reals = Enumerable.Range(1, 10).Select(k =>
            ImageCodec.Read(Path.Combine(a, RenderedDatasetBuilder.Subset, IHarmony4Layout.Reals, $"rd00001v1s{k:D2}.png"))).ToArray();
        double noon = BackgroundMean(reals[CaptureStyles.Of(Weather.Clear, TimeOfDay.Noon).Index - 1], mask);
        double night = BackgroundMean(reals[9], mask);
        Assert.True(noon > night + 25, $"clear noon background {noon:F1} vs night {night:F1}");
        for (int i = 0; i < 10; i++)
            for (int j = i + 1; j < 10; j++)
                Assert.True(MeanAbsDiff(reals[i], reals[j]) > 2, $"styles {i + 1} and {j + 1} look the same");

        // Same seed -> byte-identical files, whatever --threads (it sets parallel Blender processes, each with one
        // Cycles thread); Blender's PNGs are re-encoded by Harmonia, so no timestamps leak in.
        var b = Path.Combine(temp.Path, "b", "set"); // same folder name: the manifest records it
        new RenderedDatasetBuilder(Tiny(b) with { Threads = 2 }).Run();
        var filesA = Directory.GetFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f)).Order().ToList();
        var filesB = Directory.GetFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f)).Order().ToList();
        Assert.Equal(filesA, filesB);
        foreach (var f in filesA)
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between runs");

        // --resume over a finished build renders nothing and leaves the same files.
        var resumed = new RenderedDatasetBuilder(Tiny(b) with { Resume = true }).Run();
        Assert.Equal(0, resumed.Renders);
        Assert.Equal(90, resumed.Samples.Count);
        foreach (var f in filesA)
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs after --resume");
    }

    static double BackgroundMean(RgbImage image, Mask mask)
    {
        double sum = 0;
        int n = 0;
        for (int i = 0; i < mask.Alpha.Length; i++)
        {
            if (mask.Alpha[i] != 0) continue;
            sum += image.Pixels[3 * i] + image.Pixels[3 * i + 1] + image.Pixels[3 * i + 2];
            n += 3;
        }
        return sum / n;
    }

    static double MeanAbsDiff(RgbImage x, RgbImage y)
    {
        long sum = 0;
        for (int i = 0; i < x.Pixels.Length; i++) sum += Math.Abs(x.Pixels[i] - y.Pixels[i]);
        return sum / (double)x.Pixels.Length;
    }

    [Fact]
    public void A_missing_blender_is_one_line_and_no_output()
    {
        using var temp = new TempFolder();
        var outDir = Path.Combine(temp.Path, "out");
        var r = CliProcess.Run("dataset", "render", "--out", outDir, "--scenes", "1", "--blender", Path.Combine(temp.Path, "no-blender"));
        Assert.Equal(1, r.ExitCode);
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("apt-get install blender", lines[0]);
        Assert.False(Directory.Exists(outDir));
    }
}
