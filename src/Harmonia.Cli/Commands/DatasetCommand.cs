using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Data.Synthesis;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia dataset synth|stats|shapes</c>: builds synthetic iHarmony4-layout training sets from real photos and
/// masks, reports dataset statistics, and generates shape masks for unannotated photos. See docs/data.md.
/// </summary>
public static class DatasetCommand
{
    /// <summary>Creates the command group.</summary>
    public static Command Create()
    {
        var command = new Command("dataset", "Build and inspect training datasets (synthetic composites, statistics, shape masks).");
        command.Subcommands.Add(CreateSynth());
        command.Subcommands.Add(DatasetStatsCommand.Create());
        command.Subcommands.Add(DatasetShapesCommand.Create());
        command.Subcommands.Add(DatasetRenderCommand.Create());
        return command;
    }

    static Command CreateSynth()
    {
        var photos = new Option<string?>("--photos") { Description = "Folder of real photos (one source; or use --source)." };
        var masks = new Option<string?>("--masks") { Description = "Folder of masks (same file stem as the photo, white = foreground)." };
        var sources = new Option<string[]>("--source")
        {
            Description = "A photo source, repeatable: photos=DIR,masks=DIR[,labels=CSV][,label=TEXT][,prefix=TEXT] (or PHOTOS,MASKS[,CSV]). All sources go into one dataset; the split is per source.",
            AllowMultipleArgumentsPerToken = false,
        };
        var size = new Option<int?>("--size") { Description = "Working size: downscale photos whose short side is longer to this short side (aspect kept, antialiased). Default: native." };
        var output = new Option<string>("--out", "-o") { Description = "Output dataset root (iHarmony4 layout).", Required = true };
        var variants = new Option<int>("--variants") { Description = "Composites per photo and family (when a family gives no :N).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and of every sampled parameter.", DefaultValueFactory = _ => 1 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of photos held out as the test split.", DefaultValueFactory = _ => 0.1 };
        var families = new Option<string>("--families") { Description = "Families as name[:variants][@strength], comma-separated (a strength scales the ranges of retouch, e.g. retouch:4@1.7): " + string.Join(", ", Harmonia.Data.Perturbations.PerturbationFamilies.All.Select(f => f.Name)) + " (identity: composite = real photo; give it 1 variant).", DefaultValueFactory = _ => "transfer,retouch,jitter,daylight" };
        var labels = new Option<string?>("--labels") { Description = "CSV with 'file' and 'object' columns (Lalonde index.csv) for semantic labels and same-label references." };
        var format = new Option<string>("--format") { Description = "Composite format: png (lossless; background bit-identical to the real) or jpg.", DefaultValueFactory = _ => "png" };
        var quality = new Option<int>("--quality", "-q") { Description = "JPEG quality when --format jpg.", DefaultValueFactory = _ => 95 };
        var resume = new Option<bool>("--resume") { Description = "Keep files already written (resume a stopped build); output is identical either way." };
        var threads = new Option<int>("--threads") { Description = "Photos processed in parallel.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var log = new Option<string?>("--log") { Description = "Append the build's timing (UTC time, seconds, counts) to this file. The dataset folder holds no timings: the same seed gives byte-identical output." };

        var command = new Command("synth", "Build a synthetic iHarmony4-layout dataset: perturb each photo's masked object (transfer, retouch, jitter, daylight).")
        {
            photos, masks, sources, size, output, variants, seed, testFraction, families, labels, format, quality, resume, threads, log,
        };
        command.SetAction(parsed =>
        {
            var sourceSpecs = parsed.GetValue(sources) ?? [];
            bool single = parsed.GetValue(photos) is not null || parsed.GetValue(masks) is not null;
            if (single && sourceSpecs.Length > 0) throw new UsageException("Give either --photos/--masks/--labels or --source, not both.");
            if (!single && sourceSpecs.Length == 0) throw new UsageException("Give --photos and --masks, or at least one --source.");
            if (single && (parsed.GetValue(photos) is null || parsed.GetValue(masks) is null)) throw new UsageException("--photos and --masks go together.");
            if (sourceSpecs.Length > 0 && parsed.GetValue(labels) is not null) throw new UsageException("With --source, give labels inside it (labels=CSV).");
            var options = new SynthesisOptions
            {
                PhotosDir = parsed.GetValue(photos),
                MasksDir = parsed.GetValue(masks),
                Sources = sourceSpecs.Select(PhotoSource.Parse).ToList(),
                WorkingSize = parsed.GetValue(size),
                OutDir = parsed.GetValue(output)!,
                Families = SynthesisOptions.ParseFamilies(parsed.GetValue(families)!, parsed.GetValue(variants)),
                Seed = parsed.GetValue(seed),
                TestFraction = parsed.GetValue(testFraction),
                LabelsCsv = parsed.GetValue(labels),
                CompositeFormat = parsed.GetValue(format)!.ToLowerInvariant().TrimStart('.') is "jpeg" ? "jpg" : parsed.GetValue(format)!.ToLowerInvariant().TrimStart('.'),
                Quality = parsed.GetValue(quality),
                Resume = parsed.GetValue(resume),
                Parallelism = Math.Max(1, parsed.GetValue(threads)),
                Command = "harmonia " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            var synth = new DatasetSynthesizer(options);
            var probe = new List<string>();
            int photoCount = synth.FindSources(probe).Count;
            SynthesisReport? report = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("synthesizing", maxValue: photoCount);
                    report = synth.Run(() => task.Increment(1));
                });
            var r = report ?? throw new HarmoniaException("The build produced no report.");
            var table = new Table().AddColumn("family").AddColumn("subset").AddColumn("train").AddColumn("test").AddColumn("rejected").AddColumn("mean fMSE");
            foreach (var plan in options.Families)
            {
                var mine = r.Samples.Where(s => s.Family == plan.Family.Name).ToList();
                table.AddRow(plan.Family.Name, plan.Family.Subset, mine.Count(s => s.Split == "train").ToString(), mine.Count(s => s.Split == "test").ToString(),
                    r.Rejected.GetValueOrDefault(plan.Family.Name).ToString(), mine.Count == 0 ? "-" : $"{mine.Average(s => s.ForegroundMse):F1}");
            }
            table.AddRow("[bold]total[/]", "", r.Samples.Count(s => s.Split == "train").ToString(), r.Samples.Count(s => s.Split == "test").ToString(),
                r.Rejected.Values.Sum().ToString(), r.Samples.Count == 0 ? "-" : $"{r.Samples.Average(s => s.ForegroundMse):F1}");
            AnsiConsole.Write(table);
            Console.WriteLine($"Photos: {r.TrainPhotos} train, {r.TestPhotos} test, {r.Skipped.Count} skipped. Built {options.OutDir} in {r.Elapsed.TotalSeconds:F1} s.");
            if (parsed.GetValue(log) is { } logPath) AppendLog(logPath, options, r);
            foreach (var s in r.Skipped.Take(20)) Console.Error.WriteLine($"harmonia: warning: skipped {s}.");
            if (r.Skipped.Count > 20) Console.Error.WriteLine($"harmonia: warning: ... and {r.Skipped.Count - 20} more skipped.");
            return 0;
        });
        return command;
    }

    /// <summary>One line per build: when, how long, what (the manifest itself stays free of timings).</summary>
    static void AppendLog(string path, SynthesisOptions options, SynthesisReport report)
    {
        var line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} built {Path.GetFullPath(options.OutDir)} seed {options.Seed} in {report.Elapsed.TotalSeconds:F1} s: {report.Samples.Count} samples, {report.Skipped.Count} photos skipped\n");
        try { File.AppendAllText(path, line); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarmoniaException($"The dataset was built, but the log '{path}' could not be written: {e.Message}");
        }
    }
}
