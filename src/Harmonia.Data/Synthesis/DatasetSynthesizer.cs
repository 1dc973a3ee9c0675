using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Data.Labels;
using Harmonia.Data.Perturbations;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Synthesis;

/// <summary>A source photo paired with its mask.</summary>
/// <param name="Stem">Output stem: the source's prefix and the photo's file stem.</param>
/// <param name="PhotoPath">The photo file.</param>
/// <param name="MaskPath">Its mask file.</param>
/// <param name="RawLabel">Object label (from the source's CSV or its fixed label), "" when unknown.</param>
/// <param name="Split">"train" or "test".</param>
/// <param name="SourceIndex">Index of the <see cref="PhotoSource"/> it came from.</param>
public sealed record SourcePhoto(string Stem, string PhotoPath, string MaskPath, string RawLabel, string Split, int SourceIndex = 0);

/// <summary>One written composite, as recorded in the sidecar.</summary>
public sealed record SampleRecord(string Subset, string Family, string Split, string Composite, string Photo, string Label,
    SemanticClass Semantic, int Attempts, double ForegroundMse, IReadOnlyDictionary<string, object> Parameters);

/// <summary>Outcome of a build.</summary>
/// <param name="Samples">Accepted composites, sorted by subset then name.</param>
/// <param name="Rejected">Samples dropped after every attempt failed the quality check, per family name.</param>
/// <param name="Skipped">Photos that could not be used, with the reason.</param>
public sealed record SynthesisReport(IReadOnlyList<SampleRecord> Samples, IReadOnlyDictionary<string, int> Rejected,
    IReadOnlyList<string> Skipped, int TrainPhotos, int TestPhotos, TimeSpan Elapsed);

/// <summary>
/// Builds an iHarmony4-layout dataset of synthetic composites from real photos and their masks. For every photo,
/// family and variant j it samples a perturbation with a generator keyed by (seed, photo stem, family, j),
/// renders it over the whole foreground, keeps it only under the mask (soft alpha; alpha-0 pixels are the real photo's
/// bytes), and accepts it when <see cref="CompositeQuality.Accept"/> says so, else retries with new parameters
/// (at most <see cref="SynthesisOptions.MaxAttempts"/>). Output, per family subset folder:
/// <c>composite_images/X_1_j.png</c>, <c>masks/X_1.png</c> (the source mask's bytes when it is a PNG),
/// <c>real_images/X.jpg</c> (the source photo's bytes), <c>&lt;Subset&gt;_train.txt</c>/<c>_test.txt</c>; at the root
/// <c>samples.jsonl</c>, <c>semantic-labels.txt</c> and, written last, <c>manifest.json</c>.
/// The split is by photo (a photo's composites are all train or all test), from the seed only.
/// </summary>
public sealed class DatasetSynthesizer
{
    /// <summary>Sidecar file name at the dataset root.</summary>
    public const string SidecarName = "samples.jsonl";
    /// <summary>Manifest file name at the dataset root (its presence means the build finished).</summary>
    public const string ManifestName = "manifest.json";

    /// <summary>Smallest accepted <see cref="SynthesisOptions.WorkingSize"/>.</summary>
    public const int MinWorkingSize = 32;
    /// <summary>Largest accepted <see cref="SynthesisOptions.WorkingSize"/> (memory stays bounded per photo).</summary>
    public const int MaxWorkingSize = 4096;

    readonly SynthesisOptions _o;

    /// <summary>Creates a synthesizer; validates the options.</summary>
    public DatasetSynthesizer(SynthesisOptions options)
    {
        _o = options;
        foreach (var source in options.EffectiveSources())
        {
            if (!Directory.Exists(source.PhotosDir)) throw new HarmoniaException($"Photos folder '{source.PhotosDir}' not found.");
            if (!Directory.Exists(source.MasksDir)) throw new HarmoniaException($"Masks folder '{source.MasksDir}' not found.");
        }
        if (options.WorkingSize is { } size && size is < MinWorkingSize or > MaxWorkingSize)
            throw new UsageException($"--size must be between {MinWorkingSize} and {MaxWorkingSize}, got {size}.");
        if (!(options.TestFraction >= 0 && options.TestFraction < 1)) throw new UsageException($"--test-fraction must be in [0, 1), got {options.TestFraction}.");
        if (options.CompositeFormat is not ("png" or "jpg")) throw new UsageException($"--format must be png or jpg, got '{options.CompositeFormat}'.");
        if (options.Quality is < 1 or > 100) throw new UsageException($"--quality must be between 1 and 100, got {options.Quality}.");
        if (options.MaxAttempts < 1) throw new UsageException("MaxAttempts must be at least 1.");
    }

    /// <summary>
    /// Pairs photos with masks by stem in every source and assigns the split per source (so each source keeps its
    /// test fraction); sorted by source, then stem. Stems carry the source's prefix.
    /// </summary>
    public IReadOnlyList<SourcePhoto> FindSources(List<string> skipped)
    {
        var all = new List<SourcePhoto>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = _o.EffectiveSources();
        for (int i = 0; i < sources.Count; i++) all.AddRange(FindSources(sources[i], i, seen, skipped));
        return all;
    }

    IEnumerable<SourcePhoto> FindSources(PhotoSource source, int index, HashSet<string> seen, List<string> skipped)
    {
        var labels = source.LabelsCsv is null ? new Dictionary<string, string>() : ObjectLabels.ReadCsv(source.LabelsCsv);
        var masks = Directory.GetFiles(source.MasksDir)
            .Where(IsImage)
            .GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => Path.GetExtension(p).Equals(".png", StringComparison.OrdinalIgnoreCase) ? 0 : 1).First(), StringComparer.Ordinal);
        var photos = Directory.GetFiles(source.PhotosDir).Where(IsImage).OrderBy(f => f, StringComparer.Ordinal).ToList();
        var paired = new List<(string Stem, string Photo, string Mask, string Label)>();
        foreach (var photo in photos)
        {
            var fileStem = Path.GetFileNameWithoutExtension(photo);
            var stem = source.Prefix + fileStem;
            if (!seen.Add(stem)) { skipped.Add($"{photo}: another photo has the same stem '{stem}' (give the source a prefix=)"); continue; }
            if (!masks.TryGetValue(fileStem, out var mask)) { skipped.Add($"{photo}: no mask with stem '{fileStem}'"); continue; }
            paired.Add((stem, photo, mask, labels.GetValueOrDefault(fileStem) ?? source.Label ?? ""));
        }
        if (paired.Count == 0) throw new HarmoniaException($"No photo in '{source.PhotosDir}' has a mask with the same file stem in '{source.MasksDir}'.");
        // Split: rank photos by a seeded hash of their stem; the lowest round(F·n) are test.
        int testCount = (int)Math.Round(_o.TestFraction * paired.Count);
        var test = paired.OrderBy(p => SeededRandom.Hash(_o.Seed, "split", p.Stem)).ThenBy(p => p.Stem, StringComparer.Ordinal)
            .Take(testCount).Select(p => p.Stem).ToHashSet(StringComparer.Ordinal);
        return paired.Select(p => new SourcePhoto(p.Stem, p.Photo, p.Mask, p.Label, test.Contains(p.Stem) ? "test" : "train", index)).ToList();
    }

    static bool IsImage(string f) => ImageCodec.ReadableExtensions.Contains(Path.GetExtension(f).ToLowerInvariant());

    /// <summary>Runs the build. <paramref name="progress"/> is called (from worker threads) after each photo.</summary>
    public SynthesisReport Run(Action? progress = null, CancellationToken cancel = default)
    {
        var watch = Stopwatch.StartNew();
        var skipped = new List<string>();
        var sources = FindSources(skipped);
        Directory.CreateDirectory(_o.OutDir);
        var manifestPath = Path.Combine(_o.OutDir, ManifestName);
        if (File.Exists(manifestPath)) File.Delete(manifestPath); // its presence must mean "complete"
        foreach (var plan in _o.Families)
            foreach (var sub in new[] { IHarmony4Layout.Composites, IHarmony4Layout.Masks, IHarmony4Layout.Reals })
                Directory.CreateDirectory(Path.Combine(_o.OutDir, plan.Family.Subset, sub));

        // Pass 1: foreground statistics of every photo (the transfer family's references).
        var stats = new ConcurrentDictionary<string, ForegroundStatistics>(StringComparer.Ordinal);
        var badPhotos = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        bool needsStats = _o.Families.Any(f => f.Family is TransferFamily);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _o.Parallelism), CancellationToken = cancel };
        if (needsStats)
        {
            Parallel.ForEach(sources, parallel, s =>
            {
                try
                {
                    var loaded = Load(s);
                    if (ForegroundStatistics.Compute(loaded.Real, loaded.Mask) is { } st) stats[s.Stem] = st;
                }
                catch (HarmoniaException e) { badPhotos[s.Stem] = e.Message; }
            });
        }
        var pools = new[] { "train", "test" }.ToDictionary(split => split, split => new ReferencePool(
            sources.Where(s => s.Split == split && stats.ContainsKey(s.Stem))
                .Select(s => new ReferencePhoto(s.Stem, ObjectLabels.Canonical(s.RawLabel), stats[s.Stem]))));

        // Pass 2: composites.
        var records = new ConcurrentBag<SampleRecord>();
        var rejected = new ConcurrentDictionary<string, int>();
        Parallel.ForEach(sources, parallel, s =>
        {
            if (!badPhotos.ContainsKey(s.Stem))
            {
                try { ProcessPhoto(s, stats.GetValueOrDefault(s.Stem), pools[s.Split], records, rejected); }
                catch (HarmoniaException e) { badPhotos[s.Stem] = e.Message; }
            }
            progress?.Invoke();
        });
        skipped.AddRange(badPhotos.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
        var sorted = records.OrderBy(r => r.Subset, StringComparer.Ordinal).ThenBy(r => r.Composite, StringComparer.Ordinal).ToList();
        var usedStems = sources.Where(s => !badPhotos.ContainsKey(s.Stem)).ToList();
        var report = new SynthesisReport(sorted, new SortedDictionary<string, int>(rejected), skipped,
            usedStems.Count(s => s.Split == "train"), usedStems.Count(s => s.Split == "test"), TimeSpan.Zero);
        WriteLists(sorted);
        report = report with { Elapsed = watch.Elapsed };
        WriteManifest(report, usedStems);
        return report;
    }

    /// <summary>A photo and mask at working size; <c>RealJpeg</c> is set when they were downscaled (else the source files are copied).</summary>
    sealed record LoadedPhoto(RgbImage Real, Mask Mask, byte[]? RealJpeg);

    LoadedPhoto Load(SourcePhoto s)
    {
        var real = ImageCodec.Read(s.PhotoPath);
        var mask = ImageCodec.ReadMask(s.MaskPath);
        if (mask.Width != real.Width || mask.Height != real.Height)
            throw new HarmoniaException($"mask '{s.MaskPath}' is {mask.Width}x{mask.Height} but the photo is {real.Width}x{real.Height}");
        if (_o.WorkingSize is not { } size || Math.Min(real.Width, real.Height) <= size) return new LoadedPhoto(real, mask, null);
        var (w, h) = WorkingDimensions(real.Width, real.Height, size);
        // The real is stored as JPEG (quality 95) and the composites are built from its decoded pixels, so every
        // background pixel of a composite equals the stored real as read back.
        var jpeg = ImageCodec.Encode(Resize.Rgb(real, w, h, ResizeFilter.Bicubic), ".jpg", 95);
        var small = Resize.Mask(mask, w, h, ResizeFilter.Bilinear);
        // Quantize alpha to the 8 bits the mask PNG stores, so the blend uses exactly the written mask.
        for (int i = 0; i < small.Alpha.Length; i++) small.Alpha[i] = MathF.Round(small.Alpha[i] * 255f) / 255f;
        return new LoadedPhoto(ImageCodec.Decode(jpeg, s.PhotoPath), small, jpeg);
    }

    /// <summary>Size after scaling <paramref name="width"/> x <paramref name="height"/> so the short side is <paramref name="size"/> (aspect kept, long side rounded).</summary>
    public static (int Width, int Height) WorkingDimensions(int width, int height, int size) =>
        width <= height
            ? (size, Math.Max(size, (int)Math.Round(height * (double)size / width)))
            : (Math.Max(size, (int)Math.Round(width * (double)size / height)), size);

    void ProcessPhoto(SourcePhoto s, ForegroundStatistics? stats, ReferencePool pool, ConcurrentBag<SampleRecord> records,
        ConcurrentDictionary<string, int> rejected)
    {
        var (real, mask, realJpeg) = Load(s);
        if (mask.ForegroundCount() == 0) throw new HarmoniaException("the mask has no foreground");
        var label = ObjectLabels.Canonical(s.RawLabel);
        var semantic = ObjectLabels.ToSemanticClass(s.RawLabel);
        var context = new PerturbationContext(real, mask, stats, pool, s.Stem, label);
        var realExt = realJpeg is not null ? ".jpg" : Path.GetExtension(s.PhotoPath).ToLowerInvariant() switch { ".jpg" or ".jpeg" => ".jpg", _ => ".png" };
        foreach (var plan in _o.Families)
        {
            var dir = Path.Combine(_o.OutDir, plan.Family.Subset);
            var realOut = Path.Combine(dir, IHarmony4Layout.Reals, s.Stem + realExt);
            var maskOut = Path.Combine(dir, IHarmony4Layout.Masks, s.Stem + "_1.png");
            if (realJpeg is not null)
            {
                if (!(_o.Resume && File.Exists(realOut))) AtomicFile.WriteAllBytes(realOut, realJpeg);
                if (!(_o.Resume && File.Exists(maskOut))) ImageCodec.WriteMask(mask, maskOut);
            }
            else
            {
                CopyOrEncode(s.PhotoPath, realOut, () => ImageCodec.Write(real, realOut, 95));
                CopyOrEncode(s.MaskPath, maskOut, () => ImageCodec.WriteMask(mask, maskOut));
            }
            for (int j = 1; j <= plan.Variants; j++)
            {
                var name = $"{s.Stem}_1_{j}.{_o.CompositeFormat}";
                var rng = SeededRandom.FromKey(_o.Seed, s.Stem, plan.Family.Name, j.ToString(System.Globalization.CultureInfo.InvariantCulture));
                RgbImage? composite = null;
                Perturbation? accepted = null;
                CompositeError error = default;
                int attempt = 0;
                while (attempt < _o.MaxAttempts)
                {
                    attempt++;
                    var p = plan.Family.Sample(context, rng);
                    var c = ForegroundRenderer.Blend(real, p.Image, mask);
                    var err = CompositeQuality.Measure(c, real, mask);
                    if (CompositeQuality.Accept(err, plan.Family.MinForegroundMse)) { composite = c; accepted = p; error = err; break; }
                }
                if (composite is null || accepted is null)
                {
                    rejected.AddOrUpdate(plan.Family.Name, 1, (_, n) => n + 1);
                    continue;
                }
                var path = Path.Combine(dir, IHarmony4Layout.Composites, name);
                if (!(_o.Resume && File.Exists(path))) ImageCodec.Write(composite, path, _o.Quality);
                records.Add(new SampleRecord(plan.Family.Subset, plan.Family.Name, s.Split, name, Path.GetFileName(s.PhotoPath),
                    s.RawLabel, semantic, attempt, error.ForegroundMse, accepted.Parameters));
            }
        }
    }

    void CopyOrEncode(string source, string target, Action encode)
    {
        if (_o.Resume && File.Exists(target)) return;
        if (string.Equals(Path.GetExtension(source), Path.GetExtension(target), StringComparison.OrdinalIgnoreCase)
            || (Path.GetExtension(source).Equals(".jpeg", StringComparison.OrdinalIgnoreCase) && Path.GetExtension(target) == ".jpg"))
            AtomicFile.WriteAllBytes(target, File.ReadAllBytes(source));
        else
            encode();
    }

    void WriteLists(IReadOnlyList<SampleRecord> records)
    {
        foreach (var plan in _o.Families)
        {
            foreach (var split in new[] { "train", "test" })
            {
                var lines = records.Where(r => r.Subset == plan.Family.Subset && r.Split == split).Select(r => r.Composite + "\n");
                AtomicFile.WriteAllText(Path.Combine(_o.OutDir, plan.Family.Subset, $"{plan.Family.Subset}_{split}.txt"), string.Concat(lines));
            }
        }
        var sidecar = new StringBuilder();
        foreach (var r in records)
        {
            sidecar.Append(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["subset"] = r.Subset,
                ["composite"] = r.Composite,
                ["photo"] = r.Photo,
                ["family"] = r.Family,
                ["split"] = r.Split,
                ["label"] = r.Label,
                ["semantic"] = r.Semantic.ToString().ToLowerInvariant(),
                ["attempts"] = r.Attempts,
                ["fmse"] = Math.Round(r.ForegroundMse, 3),
                ["parameters"] = new SortedDictionary<string, object>(r.Parameters.ToDictionary(), StringComparer.Ordinal),
            })).Append('\n');
        }
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, SidecarName), sidecar.ToString());
        var labels = records.GroupBy(r => r.Composite, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => SemanticLabels.FormatLine(g.Key, g.First().Semantic) + "\n");
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, SemanticLabels.FileName), string.Concat(labels));
    }

    void WriteManifest(SynthesisReport report, IReadOnlyList<SourcePhoto> used)
    {
        var families = new Dictionary<string, object>();
        foreach (var plan in _o.Families)
        {
            var mine = report.Samples.Where(r => r.Family == plan.Family.Name).ToList();
            families[plan.Family.Name] = new Dictionary<string, object>
            {
                ["subset"] = plan.Family.Subset,
                ["variants_per_photo"] = plan.Variants,
                ["strength"] = plan.Family.Strength,
                ["train"] = mine.Count(r => r.Split == "train"),
                ["test"] = mine.Count(r => r.Split == "test"),
                ["rejected"] = report.Rejected.GetValueOrDefault(plan.Family.Name),
                ["mean_fmse"] = mine.Count == 0 ? 0 : Math.Round(mine.Average(r => r.ForegroundMse), 2),
            };
        }
        var manifest = new Dictionary<string, object>
        {
            ["name"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_o.OutDir))),
            ["layout"] = "iHarmony4",
            ["command"] = _o.Command,
            ["seed"] = _o.Seed,
            ["sources"] = _o.EffectiveSources().Select((src, i) => new Dictionary<string, object?>
            {
                ["photos"] = src.PhotosDir, ["masks"] = src.MasksDir, ["labels"] = src.LabelsCsv, ["label"] = src.Label, ["prefix"] = src.Prefix,
                ["train_photos"] = used.Count(u => u.SourceIndex == i && u.Split == "train"),
                ["test_photos"] = used.Count(u => u.SourceIndex == i && u.Split == "test"),
            }).ToList(),
            ["working_size"] = _o.WorkingSize is { } ws ? $"short side {ws} (aspect kept; larger photos downscaled, bicubic antialiased; real stored as JPEG 95)" : "native",
            ["test_fraction"] = _o.TestFraction,
            ["composite_format"] = _o.CompositeFormat == "png" ? "png (lossless)" : $"jpg quality {_o.Quality}",
            ["real_format"] = _o.WorkingSize is null ? "source photo bytes copied unchanged"
                : "source photo bytes copied unchanged; photos downscaled to the working size: JPEG quality 95",
            ["mask_format"] = _o.WorkingSize is null ? "png" : "png (source bytes; downscaled masks re-encoded, 8-bit soft alpha)",
            ["photos"] = new Dictionary<string, object> { ["train"] = report.TrainPhotos, ["test"] = report.TestPhotos, ["skipped"] = report.Skipped.Count },
            ["samples"] = new Dictionary<string, object>
            {
                ["train"] = report.Samples.Count(r => r.Split == "train"),
                ["test"] = report.Samples.Count(r => r.Split == "test"),
            },
            ["families"] = families,
            ["quality_check"] = new Dictionary<string, object>
            {
                ["min_fmse"] = CompositeQuality.DefaultMinForegroundMse,
                ["max_fmse"] = CompositeQuality.DefaultMaxForegroundMse,
                ["max_clipped_fraction"] = CompositeQuality.DefaultMaxClippedFraction,
                ["max_attempts"] = _o.MaxAttempts,
            },
        };
        // No build time or date here: the same seed and sources give a byte-identical dataset, manifest included
        // (timings go to the command's --log file).
        AtomicFile.WriteAllText(Path.Combine(_o.OutDir, ManifestName),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
