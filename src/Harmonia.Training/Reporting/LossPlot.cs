using Harmonia.Core.Imaging;

namespace Harmonia.Training.Reporting;

/// <summary>Draws the loss curves of a <see cref="CsvLog"/> (and optionally validation fMSE) to a PNG with ScottPlot.</summary>
public static class LossPlot
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: top panel every loss column of <paramref name="log"/> against step,
    /// bottom panel validation fMSE (when <paramref name="validation"/> has rows).
    /// </summary>
    public static void Write(string path, CsvLog log, IEnumerable<string> lossColumns, CsvLog? validation = null)
    {
        var plot = new ScottPlot.Plot();
        foreach (var column in lossColumns)
        {
            var (xs, ys) = log.Series(column);
            if (xs.Length == 0) continue;
            var line = xs.Length == 1 ? (ScottPlot.IPlottable)plot.Add.Markers(xs, ys) : plot.Add.ScatterLine(xs, ys);
            if (line is ScottPlot.Plottables.Scatter s) s.LegendText = column;
            if (line is ScottPlot.Plottables.Markers m) m.LegendText = column;
        }
        if (validation is not null)
        {
            var (vx, vy) = validation.Series("fmse");
            if (vx.Length > 0)
            {
                var axis = plot.Axes.AddRightAxis();
                axis.LabelText = "validation fMSE";
                var s = plot.Add.Scatter(vx, vy);
                s.Axes.YAxis = axis;
                s.LegendText = "val fMSE (right axis)";
            }
        }
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.ShowLegend();
        var bytes = plot.GetImageBytes(1000, 560, ScottPlot.ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
