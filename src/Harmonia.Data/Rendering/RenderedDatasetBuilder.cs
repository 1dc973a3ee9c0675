using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Rendering;

/// <summary>Options of <c>harmonia dataset render</c>.</summary>
public sealed record RenderOptions
{
    /// <summary>Output dataset root.</summary>
    public required string OutDir { get; init; }
    /// <summary>Number of 3D scenes (each gives <see cref="Views"/> 2D scenes of 10 renders).</summary>
    public int Scenes { get; init; } = 2;
    /// <summary>Seed of every sampled number (scenes, styles, Cycles' sampling, the split).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Square image side in pixels.</summary>
    public int Size { get; init; } = 256;
    /// <summary>Cycles samples per pixel.</summary>
    public int Samples { get; init; } = 64;
    /// <summary>Scenes rendered in parallel (one Blender process each, one Cycles thread per process).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Camera viewpoints per scene.</summary>
    public int Views { get; init; } = 2;
    /// <summary>Composites per ground-truth render (foreground styles, 1..9; 9 = every other style).</summary>
    public int Pairs { get; init; } = 9;
    /// <summary>Character categories, given to scenes in turn.</summary>
    public IReadOnlyList<CharacterCategory> Categories { get; init; } = Characters.All;
    /// <summary>Probability that a scene goes to the test split (decided per scene from the seed).</summary>
    public double TestFraction { get; init; } = 0.1;
    /// <summary>Keep scenes already finished (their scene file matches); the output is identical either way.</summary>
    public bool Resume { get; init; }
    /// <summary>Blender executable (null: <c>$HARMONIA_BLENDER</c> or <c>blender</c> on the PATH).</summary>
    public string? BlenderPath { get; init; }
    /// <summary>The command line, recorded in the manifest.</summary>
    public string Command { get; init; } = "";
}

/// <summary>One composite of the rendered set, as written to the sidecar.</summary>
/// <param name="ForegroundRatio">Share of the image covered by the mask.</param>
public sealed record RenderedSample(string Composite, string Real, string Mask, string Split, string Scene, int View, string Category,
    string Semantic, CaptureStyle ForegroundStyle, CaptureStyle BackgroundStyle, double[] ForegroundLabel, double[] BackgroundLabel,
    double[] CompositeLabel, double ForegroundRatio);

/// <summary>Outcome of a render build.</summary>
/// <param name="Renders">Blender renders made by this run (0 for scenes kept by --resume).</param>
/// <param name="RenderSeconds">Blender process time (wall, summed over the parallel processes) of this run: per
/// render, the cost on one core.</param>
/// <param name="Skipped">Views left out (e.g. the character not visible), with the reason.</param>
public sealed record RenderReport(IReadOnlyList<RenderedSample> Samples, int Scenes, int Renders, double RenderSeconds,
    IReadOnlyList<string> Skipped, string BlenderVersion, TimeSpan Elapsed);

/// <summary>
/// Builds RdHarmony-style rendered harmonization data (Cao et al., BMVC 2022, §3) with Blender. For each scene it
/// samples a description (<see cref="SceneSampler"/>), has Blender render every view in every one of the 10 capture
/// styles plus the character's object-index mask, then exchanges foregrounds inside each view: composite = the
/// character from style A pasted (binary mask) over the render of style B, ground truth = the style-B render.
/// Output (subset <see cref="Subset"/>, iHarmony4 layout, lossless PNG so a composite's background is bit-identical to its
/// real): <c>real_images/X.png</c> with X = <c>rd00001v1s03</c> (scene, view, background style),
/// <c>masks/X_1.png</c>, <c>composite_images/X_1_A.png</c> (A = foreground style), <c>RdHarmony_train.txt</c>/<c>_test.txt</c>;
/// at the root <c>samples.jsonl</c> (styles and soft style labels), <c>semantic-labels.txt</c>, <c>scenes/*.json</c>
/// (every sampled number and asset licence; a scene's file is written once its images are) and, last, <c>manifest.json</c>.
/// </summary>
public sealed class RenderedDatasetBuilder
{
    /// <summary>The subset folder name.</summary>
    public const string Subset = "RdHarmony";
    /// <summary>Sidecar file name at the root.</summary>
    public const string SidecarName = "samples.jsonl";
    /// <summary>Manifest file name (written last: its presence means the build finished).</summary>
    public const string ManifestName = "manifest.json";
    /// <summary>Folder of the scene descriptions at the root.</summary>
    public const string ScenesFolder = "scenes";
    /// <summary>Bounds of <see cref="RenderOptions.Size"/>.</summary>
    public const int MinSize = 16, MaxSize = 2048;
    /// <summary>Upper bound of <see cref="RenderOptions.Scenes"/>.</summary>
    public const int MaxScenes = 100_000;

    readonly RenderOptions _o;
    readonly SceneSettings _settings;

    /// <summary>Validates the options (throws <see cref="UsageException"/>).</summary>
    public RenderedDatasetBuilder(RenderOptions options)
    {
        _o = options;
        if (options.Scenes is < 1 or > MaxScenes) throw new UsageException($"--scenes must be between 1 and {MaxScenes}, got {options.Scenes}.");
        if (options.Size is < MinSize or > MaxSize) throw new UsageException($"--size must be between {MinSize} and {MaxSize}, got {options.Size}.");
        if (options.Samples is < 1 or > 4096) throw new UsageException($"--samples must be between 1 and 4096, got {options.Samples}.");
        if (options.Threads is < 1 or > 256) throw new UsageException($"--threads must be between 1 and 256, got {options.Threads}.");
        if (options.Views is < 1 or > 50) throw new UsageException($"--views must be between 1 and 50, got {options.Views}.");
        if (options.Pairs is < 1 or > CaptureStyles.Count - 1) throw new UsageException($"--pairs must be between 1 and {CaptureStyles.Count - 1}, got {options.Pairs}.");
        if (options.Categories.Count == 0) throw new UsageException("--categories needs at least one category.");
        if (!(options.TestFraction >= 0 && options.TestFraction < 1)) throw new UsageException($"--test-fraction must be in [0, 1), got {options.TestFraction}.");
        _settings = new SceneSettings(options.Size, options.Size, options.Samples, options.Views, options.Categories);
    }

    /// <summary>The description of scene <paramref name="number"/> (1-based) under these options.</summary>
    public SceneDescription Describe(int number) => SceneSampler.Sample(_o.Seed, number, _settings);

    /// <summary>Renders per scene (views × 10 styles): the progress bar's unit.</summary>
    public int RendersPerScene => _o.Views * CaptureStyles.Count;

    /// <summary>Whether scene <paramref name="name"/> is in the test split: a seeded hash below the test fraction.</summary>
    public bool IsTest(string name) => SeededRandom.Hash(_o.Seed, "split", name) / 18446744073709551616.0 < _o.TestFraction;

    /// <summary>Runs the build; <paramref name="progress"/> is called after each render (or per kept render on resume).</summary>
    public RenderReport Run(Action? progress = null, CancellationToken cancel = default)
    {
        var watch = Stopwatch.StartNew();
        var blender = BlenderRunner.Require(_o.BlenderPath);
        var version = blender.Version();
        var subsetDir = Path.Combine(_o.OutDir, Subset);
        foreach (var sub in new[] { IHarmony4Layout.Composites, IHarmony4Layout.Masks, IHarmony4Layout.Reals })
            Directory.CreateDirectory(Path.Combine(subsetDir, sub));
        Directory.CreateDirectory(Path.Combine(_o.OutDir, ScenesFolder));
        var manifestPath = Path.Combine(_o.OutDir, ManifestName);
        if (File.Exists(manifestPath)) File.Delete(manifestPath); // its presence must mean "complete"
        var work = Path.Combine(_o.OutDir, ".work");
        Directory.CreateDirectory(work);
        var script = Path.Combine(work, "render_scene.py");
        File.WriteAllText(script, BlenderRunner.ScriptText());

        // Scenes render in parallel, one Blender process per scene, each with ONE Cycles thread: Cycles splits small
        // images across its threads by sample ranges, and the float accumulation order then depends on timing (seen:
        // 1-level pixel differences between runs with 2 threads at 64²); one thread per process keeps renders bit-exact.
        var perScene = new (List<RenderedSample> Samples, List<string> Skipped, int Renders, double Seconds)[_o.Scenes];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _o.Threads, CancellationToken = cancel };
        Parallel.For(1, _o.Scenes + 1, parallel, n =>
        {
            var samples = new List<RenderedSample>();
            var skipped = new List<string>();
            var scene = Describe(n);
            var json = scene.ToJson();
            var sceneFile = Path.Combine(_o.OutDir, ScenesFolder, scene.Name + ".json");
            if (_o.Resume && File.Exists(sceneFile) && File.ReadAllText(sceneFile) == json + "\n" && TryReadKept(scene, samples, skipped))
            {
                for (int i = 0; i < RendersPerScene; i++) progress?.Invoke();
                perScene[n - 1] = (samples, skipped, 0, 0);
                return;
            }
            var sceneWork = Path.Combine(work, scene.Name);
            if (Directory.Exists(sceneWork)) Directory.Delete(sceneWork, recursive: true);
            Directory.CreateDirectory(sceneWork);
            var jsonPath = Path.Combine(sceneWork, "scene.json");
            File.WriteAllText(jsonPath, json);
            var t = Stopwatch.StartNew();
            blender.Render(script, jsonPath, sceneWork, 1, _ => progress?.Invoke(), cancel);
            double seconds = t.Elapsed.TotalSeconds;
            WriteScene(scene, sceneWork, samples, skipped);
            Directory.Delete(sceneWork, recursive: true);
            AtomicFile.WriteAllText(sceneFile, json + "\n");
            perScene[n - 1] = (samples, skipped, RendersPerScene, seconds);
        });
        var samples = perScene.SelectMany(p => p.Samples).ToList();
        var skipped = perScene.SelectMany(p => p.Skipped).ToList();
        int renders = perScene.Sum(p => p.Renders);
        double renderSeconds = perScene.Sum(p => p.Seconds);
        File.Delete(script);
        if (!Directory.EnumerateFileSystemEntries(work).Any()) Directory.Delete(work);
        samples.Sort((a, b) => string.CompareOrdinal(a.Composite, b.Composite));
        WriteLists(samples);
        var report = new RenderReport(samples, _o.Scenes, renders, renderSeconds, skipped, version, watch.Elapsed);
        WriteManifest(report);
        return report;
    }

    /// <summary>Stem of the ground truth of (scene, view, background style).</summary>
    public static string RealStem(string scene, int view, int style) => $"{scene}v{view}s{style:D2}";

    /// <summary>The foreground styles exchanged into the render of <paramref name="background"/> (all others, or a seeded subset).</summary>
    IReadOnlyList<int> ForegroundStyles(string realStem, int background)
    {
        var others = Enumerable.Range(1, CaptureStyles.Count).Where(s => s != background).ToArray();
        if (_o.Pairs >= others.Length) return others;
        var rng = SeededRandom.FromKey(_o.Seed, "pairs", realStem);
        return rng.Permutation(others.Length).Take(_o.Pairs).Select(i => others[i]).Order().ToList();
    }

    /// <summary>Reads Blender's renders of a scene and writes its reals, masks and composites.</summary>
    void WriteScene(SceneDescription scene, string renderDir, List<RenderedSample> samples, List<string> skipped)
    {
        var dir = Path.Combine(_o.OutDir, Subset);
        for (int v = 1; v <= scene.Cameras.Count; v++)
        {
            var renders = new RgbImage[CaptureStyles.Count];
            Mask? mask = null;
            string? problem = null;
            for (int s = 1; s <= CaptureStyles.Count; s++)
            {
                var stem = Path.Combine(renderDir, $"v{v}_s{s:D2}");
                renders[s - 1] = ImageCodec.Read(stem + ".png");
                var m = IndexMask(stem + "_mask.png", scene.Width, scene.Height);
                // Every style uses the same camera, geometry and Cycles seed, so the index pass must agree exactly.
                if (mask is null) mask = m;
                else if (!m.Alpha.AsSpan().SequenceEqual(mask.Alpha)) problem = $"the index pass of style {s} differs from style 1";
            }
            int count = mask!.ForegroundCount();
            if (count == 0) problem ??= "the character is not visible";
            if (problem is not null) { skipped.Add($"{scene.Name} view {v}: {problem}"); continue; }
            for (int b = 1; b <= CaptureStyles.Count; b++)
            {
                var real = RealStem(scene.Name, v, b);
                ImageCodec.Write(renders[b - 1], Path.Combine(dir, IHarmony4Layout.Reals, real + ".png"));
                ImageCodec.WriteMask(mask, Path.Combine(dir, IHarmony4Layout.Masks, real + "_1.png"));
                foreach (int a in ForegroundStyles(real, b))
                    ImageCodec.Write(Exchange(renders[a - 1], renders[b - 1], mask), Path.Combine(dir, IHarmony4Layout.Composites, $"{real}_1_{a}.png"));
            }
            samples.AddRange(Records(scene, v, count / (double)(scene.Width * scene.Height)));
        }
    }

    /// <summary>On --resume: rebuilds a finished scene's records from its masks; false when any file is missing.</summary>
    bool TryReadKept(SceneDescription scene, List<RenderedSample> samples, List<string> skipped)
    {
        var dir = Path.Combine(_o.OutDir, Subset);
        var kept = new List<RenderedSample>();
        var keptSkips = new List<string>();
        for (int v = 1; v <= scene.Cameras.Count; v++)
        {
            var maskPath = Path.Combine(dir, IHarmony4Layout.Masks, RealStem(scene.Name, v, 1) + "_1.png");
            if (!File.Exists(maskPath)) { keptSkips.Add($"{scene.Name} view {v}: skipped when first rendered (no mask)"); continue; }
            var mask = ImageCodec.ReadMask(maskPath);
            var records = Records(scene, v, mask.ForegroundRatio());
            if (records.Any(r => !File.Exists(Path.Combine(dir, IHarmony4Layout.Composites, r.Composite))
                                 || !File.Exists(Path.Combine(dir, IHarmony4Layout.Reals, r.Real)))) return false;
            kept.AddRange(records);
        }
        samples.AddRange(kept);
        skipped.AddRange(keptSkips);
        return true;
    }

    List<RenderedSample> Records(SceneDescription scene, int view, double ratio)
    {
        var category = Characters.Find(scene.Character.Category)!;
        string split = IsTest(scene.Name) ? "test" : "train";
        var list = new List<RenderedSample>();
        for (int b = 1; b <= CaptureStyles.Count; b++)
        {
            var real = RealStem(scene.Name, view, b);
            var bgLabel = scene.Styles[b - 1].SoftLabel;
            foreach (int a in ForegroundStyles(real, b))
            {
                var fgLabel = scene.Styles[a - 1].SoftLabel;
                list.Add(new RenderedSample($"{real}_1_{a}.png", real + ".png", real + "_1.png", split, scene.Name, view, category.Name,
                    category.Semantic, CaptureStyles.All[a - 1], CaptureStyles.All[b - 1], fgLabel, bgLabel,
                    CaptureStyles.Mix(fgLabel, bgLabel, ratio), ratio));
            }
        }
        return list;
    }

    /// <summary>Reads the index-pass mask Blender wrote: 255 = the character; anything else must be 0.</summary>
    static Mask IndexMask(string path, int width, int height)
    {
        var mask = ImageCodec.ReadMask(path);
        if (mask.Width != width || mask.Height != height)
            throw new HarmoniaException($"Blender's mask '{path}' is {mask.Width}x{mask.Height}, expected {width}x{height}.");
        foreach (var a in mask.Alpha)
            if (a != 0f && a != 1f) throw new HarmoniaException($"Blender's mask '{path}' is not binary (value {a * 255:F0}).");
        return mask;
    }

    /// <summary>Foreground exchange: <paramref name="foreground"/>'s pixels where the mask is set, <paramref name="background"/>'s elsewhere.</summary>
    public static RgbImage Exchange(RgbImage foreground, RgbImage background, Mask mask)
    {
        if (foreground.Width != background.Width || foreground.Height != background.Height || mask.Width != background.Width || mask.Height != background.Height)
            throw new ArgumentException("Renders and mask must have the same size.");
        var result = background.Clone();
        for (int i = 0; i < mask.Alpha.Length; i++)
        {
            if (!mask.IsForeground(i)) continue;
            result.Pixels[3 * i] = foreground.Pixels[3 * i];
            result.Pixels[3 * i + 1] = foreground.Pixels[3 * i + 1];
            result.Pixels[3 * i + 2] = foreground.Pixels[3 * i + 2];
        }
        return result;
    }

    void WriteLists(IReadOnlyList<RenderedSample> samples)
    {
        var dir = Path.Combine(_o.OutDir, Subset);
        foreach (var split in new[] { "train", "test" })
            AtomicFile.WriteAllText(Path.Combine(dir, $"{Subset}_{split}.txt"),
                string.Concat(samples.Where(s => s.Split == split).Select(s => s.Composite + "\n")));
        var sidecar = new StringBuilder();
        foreach (var s in samples)
        {
            sidecar.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["subset"] = Subset,
                ["composite"] = s.Composite,
                ["real"] = s.Real,
                ["mask"] = s.Mask,
                ["split"] = s.Split,
                ["scene"] = s.Scene,
                ["view"] = s.View,
                ["category"] = s.Category,
                ["semantic"] = s.Semantic,
                ["fg_style"] = s.ForegroundStyle.Index,
                ["bg_style"] = s.BackgroundStyle.Index,
                ["fg_style_name"] = s.ForegroundStyle.Name,
                ["bg_style_name"] = s.BackgroundStyle.Name,
                ["fg_label"] = Round(s.ForegroundLabel),
                ["bg_label"] = Round(s.BackgroundLabel),
                ["composite_label"] = Round(s.CompositeLabel),
                ["fg_ratio"] = Math.Round(s.ForegroundRatio, 5),
            })).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, SidecarName), sidecar.ToString());
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, SemanticLabels.FileName),
            string.Concat(samples.Select(s => SemanticLabels.FormatLine(s.Composite, SemanticLabels.Parse(s.Semantic)) + "\n")));
    }

    static double[] Round(double[] v) => v.Select(x => Math.Round(x, 4)).ToArray();

    void WriteManifest(RenderReport report)
    {
        var manifest = new Dictionary<string, object>
        {
            ["name"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_o.OutDir))),
            ["layout"] = "iHarmony4",
            ["kind"] = "rendered (RdHarmony, Cao et al. BMVC 2022): foreground exchange between capture styles of one Blender scene",
            ["command"] = _o.Command,
            ["seed"] = _o.Seed,
            ["renderer"] = $"{report.BlenderVersion}, Cycles on the CPU",
            ["size"] = $"{_o.Size}x{_o.Size}",
            ["samples_per_pixel"] = _o.Samples,
            ["scenes"] = _o.Scenes,
            ["views_per_scene"] = _o.Views,
            ["pairs_per_ground_truth"] = _o.Pairs,
            ["categories"] = _o.Categories.Select(c => c.Name).ToList(),
            ["assets"] = $"every mesh is procedural: {Characters.ProceduralLicence}",
            ["format"] = "png (lossless) for composites, reals and masks; masks binary from the object-index pass",
            ["test_fraction"] = _o.TestFraction,
            ["styles"] = CaptureStyles.All.Select(s => new Dictionary<string, object?>
            {
                ["index"] = s.Index,
                ["name"] = s.Name,
                ["sun_elevation_deg"] = s.Weather is null ? "below horizon (moon 15-60)" : $"{CaptureStyles.ElevationRange(s.Time).Min}-{CaptureStyles.ElevationRange(s.Time).Max}",
                ["cloud_cover"] = s.Weather is { } w ? $"{CaptureStyles.CoverRange(w).Min}-{CaptureStyles.CoverRange(w).Max}" : "0-0.6",
            }).ToList(),
            ["samples"] = new Dictionary<string, object>
            {
                ["train"] = report.Samples.Count(s => s.Split == "train"),
                ["test"] = report.Samples.Count(s => s.Split == "test"),
            },
            ["skipped_views"] = report.Skipped.ToList(),
        };
        // No timings: the same seed and options give the same files (timings go to the command's output and --log).
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, ManifestName),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Timing line of a build: renders, wall seconds per render (throughput with the parallel processes) and
    /// Blender seconds per render (one process, one core, start-up included).
    /// </summary>
    public static string Timing(RenderReport r) => r.Renders == 0 ? "0 renders (all scenes kept)" : string.Create(CultureInfo.InvariantCulture,
        $"{r.Renders} renders in {r.Elapsed.TotalSeconds:F1} s wall: {r.Elapsed.TotalSeconds / r.Renders:F2} s per render; {r.RenderSeconds / r.Renders:F2} s of one Blender process per render");
}
