using System.CommandLine;
using System.Diagnostics;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia harmonize COMPOSITE MASK -o OUT</c> for one image, or <c>harmonia harmonize FOLDER -o OUTDIR</c> for a
/// folder (pairs <c>name.ext</c> with <c>name_mask.png</c>, or an iHarmony4 layout). In folder mode every pair runs
/// on its own: a failure (of any kind) is reported with the pair's input and the others still run.
/// </summary>
public static class HarmonizeCommand
{
    /// <summary>Help text of --mask-channel: the auto rule, as the README states it.</summary>
    internal const string MaskChannelHelp =
        "Where the mask is: auto (the alpha channel when it has pixels on both sides of --mask-threshold, else the " +
        "luminance; an alpha that is opaque or nearly so everywhere is ignored), luminance, alpha or red.";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("composite") { Description = "Composite image, or a folder of composites (name.jpg + name_mask.png, or an iHarmony4 layout)." };
        var maskArg = new Argument<string?>("mask") { Description = "Foreground mask (white = foreground). Omit in folder mode.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = "Output image (.png, .jpg, .webp), or output folder in folder mode.", Required = true };
        var quality = new Option<int>("--quality", "-q") { Description = "JPEG/WebP quality 1-100.", DefaultValueFactory = _ => 95 };
        var pngCompression = new Option<int>("--png-compression") { Description = $"PNG zlib level 0-9: {EncodeOptions.DefaultPngCompression} (default) is fast; 6-9 try every row filter for files about 20 % smaller, several times slower.", DefaultValueFactory = _ => EncodeOptions.DefaultPngCompression };
        var strength = new StrengthOption("How much of the method's change to apply, 0 (none) to 1 (all).");
        var maskChannel = new Option<string>("--mask-channel") { Description = MaskChannelHelp, DefaultValueFactory = _ => "auto" };
        var maxPixels = new Option<long>("--max-pixels") { Description = $"Refuse inputs whose header declares more pixels than this (checked before decoding). Default {ImageLimits.DefaultMaxPixels} (150 MP).", DefaultValueFactory = _ => ImageLimits.DefaultMaxPixels };
        var format = new Option<string>("--format") { Description = "Folder mode: output format png, jpg or webp.", DefaultValueFactory = _ => "png" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Folder mode: keep outputs that already exist (resume a stopped run)." };
        var failFast = new Option<bool>("--fail-fast") { Description = "Folder mode: stop at the first failed pair (default: run every pair, report failures at the end)." };
        var shard = new Option<string?>("--shard") { Description = "Folder mode: process only shard K/N (0 <= K < N) of the pairs, a deterministic split for parallel jobs (docs/scale.md)." };
        var methodOptions = new MethodOptions();
        var modelFile = new Option<string?>("--model") { Description = "Learned methods: weights file (sets the method's 'model' setting; without --method, a Harmonia weights file picks its own method)." };
        var label = new Option<string?>("--label") { Description = "s2crnet: foreground class person|vehicle|animal|food|other (sets 'label')." };
        var curvesOut = new Option<string?>("--curves-out") { Description = "s2crnet, pih: write the predicted curves as JSON, after the image succeeded (sets 'curves-out')." };
        var curves = new Option<string?>("--curves") { Description = "pih: render these curves (JSON from --curves-out, possibly edited) instead of the predicted ones (sets 'curves')." };
        var shadingOut = new Option<string?>("--shading-out") { Description = "pih: write the shading (gain) map as a grayscale PNG, value/255 = gain, after the image succeeded (sets 'shading-out')." };
        var shading = new Option<string?>("--shading") { Description = "pih: an edited shading map (PNG from --shading-out) to render instead of the predicted one, or a strength 0..2 of the predicted one (sets 'shading')." };

        var command = new Command("harmonize", "Harmonize a composite's foreground to its background (one image or a folder).")
        {
            input, maskArg, output, quality, pngCompression, strength.Option, maskChannel, maxPixels, format, skipExisting, failFast, modelFile, label, curvesOut, curves, shadingOut, shading, shard,
        };
        methodOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            var flagSettings = MethodSettings.From(new (string Key, string? Value)[] { ("model", parsed.GetValue(modelFile)), ("label", parsed.GetValue(label)), (CurvesOutKey, parsed.GetValue(curvesOut)),
                    ("curves", parsed.GetValue(curves)), (ShadingOutKey, parsed.GetValue(shadingOut)), ("shading", parsed.GetValue(shading)) }
                .Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!)));
            var options = new FileHarmonizeOptions(methodOptions.GetThreshold(parsed), parsed.GetValue(quality), strength.Get(parsed))
            {
                MaskChannel = MaskChannels.Parse(parsed.GetValue(maskChannel)!),
                Limits = ImageLimits.WithMaxPixels(parsed.GetValue(maxPixels)),
                PngCompression = parsed.GetValue(pngCompression),
            };
            options.Encoding.Validate();
            var composite = parsed.GetValue(input)!;
            var mask = parsed.GetValue(maskArg);
            var outPath = parsed.GetValue(output)!;
            using var method = methodOptions.CreateDeferred(parsed, flagSettings, CurvesOutKey, ShadingOutKey);
            if (Directory.Exists(composite))
            {
                if (mask is not null) throw new UsageException("Folder mode takes no mask argument: masks are found next to the composites.");
                if (File.Exists(outPath)) throw new UsageException($"Folder mode writes into a folder, but '{outPath}' is an existing file; give a folder for -o.");
                if (method.SideOutputPaths.Count > 0) throw new UsageException("--curves-out and --shading-out name one file; they cannot be used in folder mode.");
                var ext = "." + parsed.GetValue(format)!.ToLowerInvariant().TrimStart('.');
                ImageCodec.EnsureWritableExtension(ext);
                var part = parsed.GetValue(shard) is { } text ? Shard.Parse(text) : Shard.All;
                return RunFolder(method, composite, outPath, ext, options, parsed.GetValue(skipExisting), parsed.GetValue(failFast), part);
            }
            if (mask is null) throw new UsageException("Missing the mask argument: harmonia harmonize COMPOSITE MASK -o OUT.");
            if (parsed.GetValue(shard) is not null) throw new UsageException("--shard applies to folder mode only.");
            var watch = Stopwatch.StartNew();
            var result = FileHarmonizer.Run(method, composite, mask, outPath, options);
            if (result.Warning is not null) Console.Error.WriteLine($"harmonia: warning: {result.Warning}.");
            Console.WriteLine($"Wrote {result.OutputPath} ({result.Width}x{result.Height}, foreground {result.ForegroundRatio:P1}, {watch.ElapsedMilliseconds} ms).");
            return 0;
        });
        return command;
    }

    /// <summary>The setting --curves-out sets (s2crnet, pih): a file the method writes besides the image.</summary>
    const string CurvesOutKey = "curves-out";

    /// <summary>The pih setting --shading-out sets: a file the method writes besides the image.</summary>
    const string ShadingOutKey = "shading-out";

    /// <summary>One input pair of folder mode and where its result goes; <paramref name="Problem"/> when it cannot run.</summary>
    sealed record FolderItem(string Composite, string? Mask, string Output, string? Problem = null);

    /// <summary>A pair that failed: its input and the one-line reason.</summary>
    sealed record FolderFailure(string Input, string Reason);

    static int RunFolder(IHarmonizer method, string folder, string outFolder, string ext, FileHarmonizeOptions options, bool skipExisting, bool failFast, Shard shard)
    {
        var warnings = new List<string>();
        var items = FindPairs(folder, outFolder, ext, warnings);
        if (items.Count == 0)
        {
            foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
            throw new HarmoniaException($"No composite/mask pairs in '{folder}' (expected name.jpg with name_mask.png, or an iHarmony4 layout).");
        }
        items = shard.Select(items, i => Path.GetRelativePath(folder, i.Composite));
        int done = 0, skipped = 0;
        var failures = new List<FolderFailure>();
        var buffers = new FileHarmonizerBuffers();
        var watch = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("harmonizing", maxValue: items.Count);
                foreach (var item in items)
                {
                    // Every pair on its own: no failure of one pair, of whatever kind, stops the others.
                    try
                    {
                        if (item.Problem is not null)
                        {
                            failures.Add(new FolderFailure(item.Composite, item.Problem));
                        }
                        else if (skipExisting && File.Exists(item.Output))
                        {
                            skipped++;
                        }
                        else
                        {
                            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(item.Output))!);
                            var r = FileHarmonizer.Run(method, item.Composite, item.Mask!, item.Output, options, buffers);
                            if (r.Warning is not null) warnings.Add($"{item.Composite}: {r.Warning}");
                            done++;
                        }
                    }
                    catch (Exception e)
                    {
                        failures.Add(new FolderFailure(item.Composite, CommandRunner.Describe(e).Message));
                    }
                    task.Increment(1);
                    if (failFast && failures.Count > 0) break;
                }
            });
        int notRun = items.Count - done - skipped - failures.Count;
        var summary = new Table().AddColumn("harmonized").AddColumn("skipped (existing)").AddColumn("failed").AddColumn("not run (--fail-fast)").AddColumn("seconds");
        summary.AddRow(done.ToString(), skipped.ToString(), failures.Count.ToString(), notRun.ToString(), $"{watch.Elapsed.TotalSeconds:F1}");
        AnsiConsole.Write(summary);
        if (failures.Count > 0)
        {
            var failed = new Table().AddColumn("failed input").AddColumn("reason");
            foreach (var f in failures) failed.AddRow(Markup.Escape(f.Input), Markup.Escape(f.Reason));
            AnsiConsole.Write(failed);
        }
        foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
        foreach (var f in failures) Console.Error.WriteLine($"harmonia: {f.Input}: {f.Reason}");
        return failures.Count == 0 ? 0 : 1;
    }

    static List<FolderItem> FindPairs(string folder, string outFolder, string ext, List<string> warnings) =>
        CompositePairs.InFolder(folder, warnings)
            .Select(p => p.Problem is null
                ? new FolderItem(p.CompositePath, p.MaskPath, Path.Combine(outFolder, p.Name + ext))
                : new FolderItem(p.CompositePath, null, "", p.Problem))
            .ToList();
}
