using System.CommandLine;
using System.Diagnostics;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia harmonize COMPOSITE MASK -o OUT</c> for one image, or <c>harmonia harmonize FOLDER -o OUTDIR</c> for a
/// folder (pairs <c>name.ext</c> with <c>name_mask.png</c>, or an iHarmony4 layout).
/// </summary>
public static class HarmonizeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("composite") { Description = "Composite image, or a folder of composites (name.jpg + name_mask.png, or an iHarmony4 layout)." };
        var maskArg = new Argument<string?>("mask") { Description = "Foreground mask (white = foreground). Omit in folder mode.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--output", "-o") { Description = "Output image (.png, .jpg, .webp), or output folder in folder mode.", Required = true };
        var quality = new Option<int>("--quality", "-q") { Description = "JPEG/WebP quality 1-100.", DefaultValueFactory = _ => 95 };
        var strength = new Option<float>("--strength") { Description = "How much of the method's change to apply, 0 (none) to 1 (all).", DefaultValueFactory = _ => 1f };
        var format = new Option<string>("--format") { Description = "Folder mode: output format png, jpg or webp.", DefaultValueFactory = _ => "png" };
        var skipExisting = new Option<bool>("--skip-existing") { Description = "Folder mode: keep outputs that already exist (resume a stopped run)." };
        var shard = new Option<string?>("--shard") { Description = "Folder mode: process only shard K/N (0 <= K < N) of the pairs, a deterministic split for parallel jobs (docs/scale.md)." };
        var methodOptions = new MethodOptions();
        var modelFile = new Option<string?>("--model") { Description = "Learned methods: weights file (sets the method's 'model' setting)." };
        var label = new Option<string?>("--label") { Description = "s2crnet: foreground class person|vehicle|animal|food|other (sets 'label')." };
        var curvesOut = new Option<string?>("--curves-out") { Description = "s2crnet: write the predicted curves as JSON (sets 'curves-out')." };

        var command = new Command("harmonize", "Harmonize a composite's foreground to its background (one image or a folder).")
        {
            input, maskArg, output, quality, strength, format, skipExisting, modelFile, label, curvesOut, shard,
        };
        methodOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            var flagSettings = MethodSettings.From(new (string Key, string? Value)[] { ("model", parsed.GetValue(modelFile)), ("label", parsed.GetValue(label)), ("curves-out", parsed.GetValue(curvesOut)) }
                .Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, p.Value!)));
            var options = new FileHarmonizeOptions(methodOptions.GetThreshold(parsed), parsed.GetValue(quality), parsed.GetValue(strength));
            if (options.Quality is < 1 or > 100) throw new UsageException($"--quality must be between 1 and 100, got {options.Quality}.");
            if (!(options.Strength >= 0f && options.Strength <= 1f)) throw new UsageException($"--strength must be between 0 and 1, got {options.Strength}.");
            var composite = parsed.GetValue(input)!;
            var mask = parsed.GetValue(maskArg);
            var outPath = parsed.GetValue(output)!;
            if (Directory.Exists(composite))
            {
                if (mask is not null) throw new UsageException("Folder mode takes no mask argument: masks are found next to the composites.");
                var ext = "." + parsed.GetValue(format)!.ToLowerInvariant().TrimStart('.');
                ImageCodec.EnsureWritableExtension(ext);
                var method = methodOptions.CreateMethod(parsed, flagSettings);
                var part = parsed.GetValue(shard) is { } text ? Shard.Parse(text) : Shard.All;
                return RunFolder(method, composite, outPath, ext, options, parsed.GetValue(skipExisting), part);
            }
            if (mask is null) throw new UsageException("Missing the mask argument: harmonia harmonize COMPOSITE MASK -o OUT.");
            if (parsed.GetValue(shard) is not null) throw new UsageException("--shard applies to folder mode only.");
            var single = methodOptions.CreateMethod(parsed, flagSettings);
            var watch = Stopwatch.StartNew();
            var result = FileHarmonizer.Run(single, composite, mask, outPath, options);
            if (result.Warning is not null) Console.Error.WriteLine($"harmonia: warning: {result.Warning}.");
            Console.WriteLine($"Wrote {result.OutputPath} ({result.Width}x{result.Height}, foreground {result.ForegroundRatio:P1}, {watch.ElapsedMilliseconds} ms).");
            return 0;
        });
        return command;
    }

    /// <summary>One input pair of folder mode and where its result goes.</summary>
    internal sealed record FolderItem(string Composite, string Mask, string Output);

    static int RunFolder(IHarmonizer method, string folder, string outFolder, string ext, FileHarmonizeOptions options, bool skipExisting, Shard shard)
    {
        var items = FindPairs(folder, outFolder, ext);
        if (items.Count == 0)
            throw new HarmoniaException($"No composite/mask pairs in '{folder}' (expected name.jpg with name_mask.png, or an iHarmony4 layout).");
        items = shard.Select(items, i => Path.GetRelativePath(folder, i.Composite));
        int done = 0, skipped = 0;
        var failures = new List<string>();
        var warnings = new List<string>();
        var watch = Stopwatch.StartNew();
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("harmonizing", maxValue: items.Count);
                foreach (var item in items)
                {
                    try
                    {
                        if (skipExisting && File.Exists(item.Output))
                        {
                            skipped++;
                        }
                        else
                        {
                            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(item.Output))!);
                            var r = FileHarmonizer.Run(method, item.Composite, item.Mask, item.Output, options);
                            if (r.Warning is not null) warnings.Add($"{item.Composite}: {r.Warning}");
                            done++;
                        }
                    }
                    catch (UsageException)
                    {
                        throw;
                    }
                    catch (HarmoniaException e)
                    {
                        failures.Add(e.Message);
                    }
                    task.Increment(1);
                }
            });
        var summary = new Table().AddColumn("harmonized").AddColumn("skipped (existing)").AddColumn("failed").AddColumn("seconds");
        summary.AddRow(done.ToString(), skipped.ToString(), failures.Count.ToString(), $"{watch.Elapsed.TotalSeconds:F1}");
        AnsiConsole.Write(summary);
        foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
        foreach (var f in failures) Console.Error.WriteLine($"harmonia: {f}");
        return failures.Count == 0 ? 0 : 1;
    }

    internal static List<FolderItem> FindPairs(string folder, string outFolder, string ext)
    {
        if (IHarmony4Layout.IsLayout(folder))
        {
            return IHarmony4Layout.Read(folder, split: null)
                .Select(s => new FolderItem(s.CompositePath, s.MaskPath, Path.Combine(outFolder, s.Subset, s.Name + ext)))
                .ToList();
        }
        var files = Directory.GetFiles(folder)
            .Where(f => ImageCodec.ReadableExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .ToList();
        var byStem = files.GroupBy(f => Path.GetFileNameWithoutExtension(f)).ToDictionary(g => g.Key, g => g.First());
        // name.ext pairs with name_mask.*; name_composite.ext pairs with name_mask.* (the examples' naming).
        var items = new List<FolderItem>();
        foreach (var (stem, path) in byStem.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (stem.EndsWith("_mask", StringComparison.Ordinal)) continue;
            var name = stem.EndsWith("_composite", StringComparison.Ordinal) ? stem[..^"_composite".Length] : stem;
            if (byStem.TryGetValue(stem + "_mask", out var mask) || byStem.TryGetValue(name + "_mask", out mask))
                items.Add(new FolderItem(path, mask, Path.Combine(outFolder, name + ext)));
        }
        return items;
    }
}
