using System.Collections.Concurrent;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;

namespace Harmonia.Data.Stats;

/// <summary>Measurements of one composite.</summary>
/// <param name="Scores">Composite-vs-real scores without SSIM (Core's canonical protocol), null when there is no real image of the same size.</param>
public sealed record SampleStats(string Subset, string Split, string Name, int Width, int Height, double ForegroundRatio, ImageScores? Scores);

/// <summary>Aggregates of one (subset, split) group.</summary>
/// <param name="MeanMse">Mean of per-image MSE.</param>
/// <param name="MeanForegroundMse">Mean of per-image fMSE (empty masks left out).</param>
/// <param name="MeanPsnr">Mean of per-image PSNR (finite values only), as iHarmony4 tables report it.</param>
public sealed record GroupStats(string Subset, string Split, int Count, int WithReal, double MeanForegroundRatio,
    string Resolutions, double MeanMse, double MeanForegroundMse, double MeanPsnr);

/// <summary>
/// Statistics of an iHarmony4-layout dataset: per composite the size, the foreground ratio (binary mask at 0.5) and,
/// when the real image exists, composite-vs-real MSE / fMSE / PSNR (Core's <see cref="MetricProtocols.Harmonia"/>,
/// aggregated by <see cref="ScoreMeans"/>).
/// Splits come from the <c>&lt;Subset&gt;_{train,test}.txt</c> lists; a subset without lists is one "all" group.
/// </summary>
public static class DatasetStatistics
{
    /// <summary>Measures every composite under <paramref name="root"/>; <paramref name="progress"/> is called per sample.</summary>
    public static IReadOnlyList<SampleStats> Measure(string root, Action<int>? started = null, Action? progress = null)
    {
        if (!Directory.Exists(root)) throw new HarmoniaException($"Dataset folder '{root}' not found.");
        var samples = new List<(HarmonizationSample Sample, string Split)>();
        foreach (var dir in IHarmony4Layout.SubsetFolders(root))
        {
            var subset = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
            var splits = new[] { "train", "test" }.Where(s => File.Exists(Path.Combine(dir, $"{subset}_{s}.txt"))).ToList();
            if (splits.Count == 0) samples.AddRange(IHarmony4Layout.Read(dir, null).Select(s => (s, "all")));
            foreach (var split in splits) samples.AddRange(IHarmony4Layout.Read(dir, split).Select(s => (s, split)));
        }
        if (samples.Count == 0) throw new HarmoniaException($"No composites found in '{root}'.");
        started?.Invoke(samples.Count);
        var results = new ConcurrentBag<SampleStats>();
        Parallel.ForEach(samples, item =>
        {
            var (s, split) = item;
            var composite = ImageCodec.Read(s.CompositePath);
            var mask = ImageCodec.ReadMask(s.MaskPath);
            ImageScores? scores = null;
            if (s.RealPath is not null && mask.Width == composite.Width && mask.Height == composite.Height)
            {
                var real = ImageCodec.Read(s.RealPath);
                if (real.Width == composite.Width && real.Height == composite.Height) scores = MetricProtocols.Harmonia.ScoreErrors(composite, real, mask);
            }
            results.Add(new SampleStats(s.Subset, split, s.Name, composite.Width, composite.Height, mask.ForegroundRatio(), scores));
            progress?.Invoke();
        });
        return results.OrderBy(r => r.Subset, StringComparer.Ordinal).ThenBy(r => r.Split, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Aggregates per (subset, split), then per split over all subsets (subset "all").</summary>
    public static IReadOnlyList<GroupStats> Summarize(IReadOnlyList<SampleStats> samples)
    {
        var groups = samples.GroupBy(s => (s.Subset, s.Split)).Select(g => Aggregate(g.Key.Subset, g.Key.Split, g.ToList())).ToList();
        if (groups.Select(g => g.Subset).Distinct().Count() > 1)
            groups.AddRange(samples.GroupBy(s => s.Split).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Aggregate("all", g.Key, g.ToList())));
        return groups;
    }

    static GroupStats Aggregate(string subset, string split, List<SampleStats> items)
    {
        var means = ScoreMeans.Of(items.Where(i => i.Scores is not null).Select(i => i.Scores!).ToList());
        var sizes = items.GroupBy(i => $"{i.Width}x{i.Height}").OrderByDescending(g => g.Count()).ToList();
        var res = string.Join(", ", sizes.Take(2).Select(g => $"{g.Key} ({g.Count()})")) + (sizes.Count > 2 ? $", +{sizes.Count - 2} more" : "");
        return new GroupStats(subset, split, items.Count, means.Count, items.Average(i => i.ForegroundRatio), res,
            means.Mse, means.Fmse, means.Psnr);
    }
}
