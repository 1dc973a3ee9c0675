using Harmonia.Core.Imaging;

namespace Harmonia.Training.Reporting;

/// <summary>Draws training curves from <see cref="CsvLog"/>s to PNG files with ScottPlot.</summary>
public static class LossPlot
{
    /// <summary>
    /// Writes <paramref name="path"/> atomically: <paramref name="leftColumns"/> of <paramref name="log"/> (the generator's
    /// losses) on the left axis and <paramref name="rightColumns"/> (e.g. the adversarial terms, whose scale differs) on
    /// the right axis, against step.
    /// </summary>
    public static void Write(string path, CsvLog log, IEnumerable<string> leftColumns, IEnumerable<string>? rightColumns = null, string leftLabel = "loss", string rightLabel = "adversarial loss")
    {
        var plot = new ScottPlot.Plot();
        bool any = false;
        foreach (var column in leftColumns) any |= AddSeries(plot, log, column, null);
        var right = rightColumns?.Where(c => log.Series(c).Steps.Length > 0).ToList() ?? [];
        if (right.Count > 0)
        {
            var axis = plot.Axes.AddRightAxis();
            axis.LabelText = rightLabel;
            foreach (var column in right) any |= AddSeries(plot, log, column, axis);
        }
        if (!any) return;
        plot.XLabel("step");
        plot.YLabel(leftLabel);
        plot.ShowLegend();
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(1000, 560, ScottPlot.ImageFormat.Png));
    }

    static bool AddSeries(ScottPlot.Plot plot, CsvLog log, string column, ScottPlot.IYAxis? axis)
    {
        var (xs, ys) = log.Series(column);
        if (xs.Length == 0) return false;
        var s = plot.Add.Scatter(xs, ys);
        s.LegendText = axis is null ? column : column + " (right)";
        s.MarkerSize = xs.Length > 50 ? 0 : 4;
        if (axis is not null) s.Axes.YAxis = axis;
        return true;
    }
}
