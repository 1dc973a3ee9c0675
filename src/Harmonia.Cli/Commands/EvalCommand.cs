using System.CommandLine;
using System.Globalization;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Metrics;
using Harmonia.Core.Methods;
using Harmonia.Evaluation;
using Harmonia.Evaluation.Anchors;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia eval DATASET --method M [--protocol harmonia|ihm4|pctnet] [--split test|train|all|NAME] [--json OUT]
/// [--limit N] [--save-outputs DIR] [--anchors DIR]</c>: scores the composite baseline and a method on an
/// iHarmony4-layout dataset and prints per-subset and foreground-ratio tables. <c>--method composite</c> scores only
/// the composite baseline. <c>--anchors</c> adds peers' per-image result CSVs for the same images.
/// </summary>
public static class EvalCommand
{
    /// <summary>The --method value that runs no method (only the composite baseline row).</summary>
    public const string CompositeOnly = "composite";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var dataset = new Argument<string>("dataset") { Description = "iHarmony4-layout dataset root (or one subset folder) with composite_images, masks, real_images." };
        var protocol = new Option<string>("--protocol") { Description = "Metric protocol: harmonia (original size, peak 255), ihm4 (iHarmony4 script: 256x256, peak = prediction range) or pctnet (PCT-Net full resolution, soft mask).", DefaultValueFactory = _ => HarmoniaProtocol.ProtocolName };
        var split = new Option<string>("--split") { Description = "Which list to use: test, train or another name (the <Subset>_<split>.txt files, e.g. novel), or all (every composite).", DefaultValueFactory = _ => "test" };
        var json = new Option<string?>("--json") { Description = "Write a JSON report (per-sample scores and aggregates) to this file." };
        var limit = new Option<int?>("--limit") { Description = "Evaluate only the first N samples (dataset order)." };
        var saveOutputs = new Option<string?>("--save-outputs") { Description = "Write the method's outputs to DIR/<Subset>/<name>.png." };
        var strength = new StrengthOption("How much of the method's change to apply before scoring, 0 (none) to 1 (all), as harmonize --strength.");
        var anchors = new Option<string?>("--anchors") { Description = "Folder of peers' per-image result CSVs in PCT-Net's format (e.g. ../shared/anchors/pctnet-fr): prints their rows for the same images beside Harmonia's. Needs --protocol pctnet." };
        var methodOptions = new MethodOptions();
        var command = new Command("eval",
            "Score a method and the composite baseline on an iHarmony4-layout dataset (MSE, PSNR, fMSE, fPSNR, SSIM, fSSIM; " +
            "means of per-image metrics). --method composite scores only the composite.")
        {
            dataset, protocol, split, json, limit, saveOutputs, anchors, strength.Option,
        };
        methodOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            // Usage errors first (exit 2), then the dataset (exit 1).
            var metric = MetricProtocols.Get(parsed.GetValue(protocol)!);
            var splitName = parsed.GetValue(split)!.Trim();
            // A split names list files (<Subset>_<split>.txt), so only a plain word is accepted (no paths).
            if (splitName.Length is 0 or > 64 || !splitName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new UsageException($"--split must be test, train, all or another list name of letters, digits, '-' and '_', got '{splitName}'.");
            var n = parsed.GetValue(limit);
            if (n is <= 0) throw new UsageException($"--limit must be positive, got {n}.");
            var anchorsFolder = parsed.GetValue(anchors);
            if (anchorsFolder is not null && metric.Name != PctNetProtocol.ProtocolName)
                throw new UsageException($"--anchors holds PCT-Net protocol numbers: add --protocol {PctNetProtocol.ProtocolName} (got {metric.Name}).");
            var strengthValue = strength.Get(parsed);
            var threshold = methodOptions.GetThreshold(parsed);
            var methodName = methodOptions.MethodName(parsed);
            IHarmonizer? method = null;
            if (string.Equals(methodName, CompositeOnly, StringComparison.OrdinalIgnoreCase))
            {
                if ((parsed.GetValue(methodOptions.Set) ?? []).Length > 0)
                    throw new UsageException("--set has no effect with --method composite.");
                if (parsed.GetValue(saveOutputs) is not null)
                    throw new UsageException("--save-outputs needs a method: --method composite produces no outputs.");
            }
            else
            {
                method = methodOptions.CreateMethod(parsed);
            }

            var root = parsed.GetValue(dataset)!;
            var samples = IHarmony4Layout.Read(root, splitName == "all" ? null : splitName);
            if (n is { } take) samples = samples.Take(take).ToList();
            if (samples.Count == 0)
                throw splitName is "test" or "train" or "all"
                    ? new HarmoniaException($"No composites in '{root}' for split '{splitName}'.")
                    : new UsageException($"--split {splitName}: no composites listed in <Subset>_{splitName}.txt under '{root}'.");
            DatasetEvaluator.RequireRealImages(samples);
            EvaluationOutputPaths.Check(samples, root, parsed.GetValue(json), parsed.GetValue(saveOutputs));
            // Read the anchors before the long run so a bad folder fails fast.
            var peers = anchorsFolder is null ? null
                : PeerResults.ReadFolder(anchorsFolder, samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal));

            var options = new EvaluationOptions(metric, threshold, parsed.GetValue(saveOutputs), Strength: strengthValue);
            var console = CreateConsole();
            var report = RunWithProgress(console, samples, method, method is null ? null : methodName, options) with
            {
                Dataset = Path.GetFullPath(root),
                Split = splitName,
            };
            if (peers is not null) report = report with { Anchors = PeerComparison.Build(report, peers, Path.GetFullPath(anchorsFolder!)) };

            console.MarkupLine($"[bold]{Markup.Escape(root)}[/]: {samples.Count} samples, split {splitName}, protocol [bold]{metric.Name}[/] ({Markup.Escape(metric.Description)}); means of per-image metrics.");
            console.Write(SubsetTable($"composite (no harmonization), protocol {metric.Name}", report.Composite));
            if (report.MethodSummary is { } ms)
                console.Write(SubsetTable(strengthValue < 1f ? $"{methodName} at strength {strengthValue:0.###}, protocol {metric.Name}" : $"{methodName}, protocol {metric.Name}", ms));
            console.Write(BucketTable(report));
            if (report.Anchors is { } comparison) WriteAnchors(console, comparison, anchorsFolder!);
            foreach (var note in NonFiniteNotes(report)) console.WriteLine(note);
            foreach (var s in report.Samples.Where(s => s.Warning is not null))
                Console.Error.WriteLine($"harmonia: warning: {s.Subset}/{s.Name}: {s.Warning}.");
            if (parsed.GetValue(json) is { } jsonPath)
            {
                EvaluationJson.Write(report, jsonPath);
                console.WriteLine($"Wrote {jsonPath}.");
            }
            return 0;
        });
        return command;
    }

    /// <summary>A console bound to the current <see cref="Console.Out"/> (so redirection in tests works), wide enough for the tables.</summary>
    static IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected || !console.Profile.Capabilities.Interactive)
            console.Profile.Width = Math.Max(console.Profile.Width, 120);
        return console;
    }

    static EvaluationReport RunWithProgress(IAnsiConsole console, IReadOnlyList<HarmonizationSample> samples, IHarmonizer? method,
        string? methodName, EvaluationOptions options)
    {
        // The progress bar only on an interactive terminal: redirected output gets the tables alone.
        if (!console.Profile.Capabilities.Interactive)
            return DatasetEvaluator.Run(samples, method, methodName, options);
        EvaluationReport? report = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("evaluating", maxValue: samples.Count);
                report = DatasetEvaluator.Run(samples, method, methodName, options, p => task.Value = p.Completed);
            });
        return report!;
    }

    static Table SubsetTable(string title, SystemSummary summary)
    {
        var table = MetricTable(title, "subset");
        foreach (var g in summary.Subsets) AddRow(table, g);
        if (summary.Subsets.Count > 1) AddRow(table, summary.Overall);
        return table;
    }

    static Table BucketTable(EvaluationReport report)
    {
        var table = MetricTable($"by foreground ratio (binary mask, original size), protocol {report.Protocol}", "foreground");
        table.Columns[0].Header = new Text("foreground / system");
        foreach (var (label, _) in ForegroundBuckets.All)
        {
            AddRow(table, report.Composite.Buckets.First(b => b.Group == label), $"{label} composite");
            if (report.MethodSummary is { } ms)
                AddRow(table, ms.Buckets.First(b => b.Group == label), $"{label} {report.Method}");
        }
        return table;
    }

    static Table MetricTable(string title, string firstColumn)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        table.AddColumn(firstColumn);
        table.AddColumn(new TableColumn("n").RightAligned());
        foreach (var name in ImageScores.MetricNames) table.AddColumn(new TableColumn(name).RightAligned());
        return table;
    }

    static void AddRow(Table table, GroupSummary g, string? label = null)
    {
        var cells = new List<string> { Markup.Escape(label ?? g.Group), g.Count.ToString(CultureInfo.InvariantCulture) };
        var values = g.Values();
        for (int k = 0; k < values.Length; k++) cells.Add(Format(ImageScores.MetricNames[k], values[k]));
        table.AddRow(cells.ToArray());
    }

    /// <summary>Table format of a mean: 2 decimals for MSE and dB, 4 for SSIM; "-" when undefined.</summary>
    internal static string Format(string metric, double value) =>
        double.IsNaN(value) ? "-"
        : double.IsPositiveInfinity(value) ? "inf"
        : value.ToString(metric.Contains("SSIM", StringComparison.Ordinal) ? "F4" : "F2", CultureInfo.InvariantCulture);

    static void WriteAnchors(IAnsiConsole console, PeerComparison c, string folder)
    {
        var table = new Table
        {
            Title = new TableTitle(Markup.Escape($"peers beside Harmonia, protocol {c.Protocol}: the {c.Matched} of {c.Samples} samples that every CSV in {folder} covers")),
        };
        table.AddColumn("system");
        table.AddColumn("source");
        table.AddColumn(new TableColumn("n").RightAligned());
        string[] metrics = ["MSE", "PSNR", "fMSE", "SSIM"];
        foreach (var m in metrics) table.AddColumn(new TableColumn(m).RightAligned());
        foreach (var r in c.Rows)
        {
            double[] values = [r.Mse, r.Psnr, r.Fmse, r.Ssim];
            var cells = new List<string> { Markup.Escape(r.System), r.Source, r.Count.ToString(CultureInfo.InvariantCulture) };
            for (int k = 0; k < values.Length; k++) cells.Add(Format(metrics[k], values[k]));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        console.WriteLine($"Matched {c.Matched} of {c.Samples} samples by name: {string.Join(", ", c.MatchedNames)}.");
        if (c.CompositeFmseMaxRelativeDifference is { } d)
            console.WriteLine($"Composite check: Harmonia's composite fMSE vs the CSV's composite rows, max relative difference {d.ToString("G3", CultureInfo.InvariantCulture)} over the matched samples.");
        foreach (var s in c.SizeMismatches)
            Console.Error.WriteLine($"harmonia: warning: {s}: an anchor CSV gives another image size; left out of the comparison.");
    }

    static IEnumerable<string> NonFiniteNotes(EvaluationReport report)
    {
        void Note(List<string> notes, string system, SystemSummary s)
        {
            foreach (var (metric, count) in s.Overall.NonFinite)
                notes.Add($"Note: {system}: {count} sample(s) with non-finite {metric} (e.g. +inf PSNR of an exact match, or an empty mask) left out of the {metric} means.");
        }
        var notes = new List<string>();
        Note(notes, "composite", report.Composite);
        if (report.MethodSummary is { } ms) Note(notes, report.Method!, ms);
        return notes;
    }
}
