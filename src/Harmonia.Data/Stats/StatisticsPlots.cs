using Harmonia.Core.Imaging;
using ScottPlot;

namespace Harmonia.Data.Stats;

/// <summary>Histogram plots (PNG, ScottPlot 5) of a dataset's resolution, foreground ratio and composite fMSE.</summary>
public static class StatisticsPlots
{
    const int PlotWidth = 900, PlotHeight = 500;

    /// <summary>Writes resolution.png, foreground-ratio.png and fmse.png into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(IReadOnlyList<SampleStats> samples, string folder)
    {
        Directory.CreateDirectory(folder);
        var paths = new List<string>();
        var longSide = samples.Select(s => (double)Math.Max(s.Width, s.Height)).ToArray();
        paths.Add(Save(Histogram("Resolution (long side)", "long side (px)", [("all", longSide)], 30), Path.Combine(folder, "resolution.png")));
        var ratio = samples.GroupBy(s => s.Subset).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(s => s.ForegroundRatio * 100).ToArray())).ToList();
        paths.Add(Save(Histogram("Foreground ratio", "foreground (% of image)", ratio, 40, 0, 100), Path.Combine(folder, "foreground-ratio.png")));
        var fmse = samples.Where(s => s.Scores is { Fmse: var f } && double.IsFinite(f)).GroupBy(s => s.Subset).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Select(s => Math.Log10(Math.Max(1, s.Scores!.Fmse))).ToArray())).ToList();
        if (fmse.Count > 0)
            paths.Add(Save(Histogram("Composite fMSE (vs real)", "log10 fMSE", fmse, 40), Path.Combine(folder, "fmse.png")));
        return paths;
    }

    /// <summary>Counts of <paramref name="values"/> in <paramref name="bins"/> equal bins over [min, max] (max inclusive).</summary>
    public static int[] Bin(IReadOnlyList<double> values, int bins, double min, double max)
    {
        var counts = new int[bins];
        double width = (max - min) / bins;
        foreach (var v in values)
        {
            if (v < min || v > max) continue;
            int b = width <= 0 ? 0 : Math.Min(bins - 1, (int)((v - min) / width));
            counts[b]++;
        }
        return counts;
    }

    static Plot Histogram(string title, string xLabel, IReadOnlyList<(string Name, double[] Values)> series, int bins, double? min = null, double? max = null)
    {
        var plot = new Plot();
        var all = series.SelectMany(s => s.Values).ToArray();
        double lo = min ?? (all.Length == 0 ? 0 : all.Min()), hi = max ?? (all.Length == 0 ? 1 : all.Max());
        if (hi <= lo) { lo -= 0.5; hi += 0.5; }
        double width = (hi - lo) / bins;
        var xs = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray();
        if (series.Count == 1)
        {
            var counts = Bin(series[0].Values, bins, lo, hi);
            plot.Add.Bars(xs.Select((x, i) => new Bar { Position = x, Value = counts[i], Size = width * 0.95 }).ToArray());
        }
        else
        {
            foreach (var (name, values) in series)
            {
                var counts = Bin(values, bins, lo, hi).Select(c => (double)c).ToArray();
                var line = plot.Add.Scatter(xs, counts);
                line.LegendText = $"{name} ({values.Length})";
                line.MarkerSize = 0;
                line.LineWidth = 2;
            }
            plot.ShowLegend(Edge.Right);
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("count");
        return plot;
    }

    static string Save(Plot plot, string path)
    {
        var bytes = plot.GetImageBytes(PlotWidth, PlotHeight, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
        return path;
    }
}
