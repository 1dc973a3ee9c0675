using System.CommandLine;
using System.Globalization;
using Harmonia.Data.Stats;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia dataset stats DIR [--plots DIR]</c>: counts, resolutions, foreground ratios and composite-vs-real
/// MSE / fMSE / PSNR per subset and split of an iHarmony4-layout dataset, as a table; optional histogram PNGs.
/// </summary>
public static class DatasetStatsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var root = new Argument<string>("dataset") { Description = "Dataset root in the iHarmony4 layout (or one subset folder)." };
        var plots = new Option<string?>("--plots") { Description = "Folder for histogram plots (resolution.png, foreground-ratio.png, fmse.png)." };
        var command = new Command("stats", "Counts, resolution and foreground-ratio histograms, composite MSE/fMSE/PSNR per subset and split.") { root, plots };
        command.SetAction(parsed =>
        {
            var dir = parsed.GetValue(root)!;
            IReadOnlyList<SampleStats> samples = [];
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask? task = null;
                    samples = DatasetStatistics.Measure(dir, n => task = ctx.AddTask("measuring", maxValue: n), () => task?.Increment(1));
                });
            var table = new Table().AddColumn("subset").AddColumn("split").AddColumn("composites").AddColumn("resolution")
                .AddColumn("fg ratio").AddColumn("MSE").AddColumn("fMSE").AddColumn("PSNR");
            foreach (var g in DatasetStatistics.Summarize(samples))
            {
                table.AddRow(Markup.Escape(g.Subset), g.Split, g.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(g.Resolutions),
                    g.MeanForegroundRatio.ToString("P1", CultureInfo.InvariantCulture), Format(g.MeanMse, "F1"), Format(g.MeanForegroundMse, "F1"),
                    Format(g.MeanPsnr, "F2"));
            }
            AnsiConsole.Write(table);
            Console.WriteLine("Composite vs real: MSE over all pixels, fMSE over the binary foreground (mask ≥ 0.5), PSNR per image (peak 255) averaged.");
            if (parsed.GetValue(plots) is { } plotDir)
                foreach (var p in StatisticsPlots.Write(samples, plotDir)) Console.WriteLine($"Wrote {p}");
            return 0;
        });
        return command;
    }

    static string Format(double v, string f) => double.IsNaN(v) ? "-" : v.ToString(f, CultureInfo.InvariantCulture);
}
