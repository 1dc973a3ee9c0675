using System.CommandLine;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Harmonia.Evaluation.Sheets;
using Harmonia.Models;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia sheet (FOLDER | --list FILE [--root DIR]) -o SHEET.png [--methods a,b] [--model METHOD=FILE]...
/// [--column "METHOD KEY=VALUE ..."]... [--height H] [--real]</c>: a contact sheet, one row per composite, columns composite | mask outline | each method
/// (| the ground truth).
/// </summary>
public static class SheetCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var folder = new Argument<string?>("folder") { Description = "Folder of composites (name.jpg + name_mask.png, or an iHarmony4 layout). Omit with --list.", Arity = ArgumentArity.ZeroOrOne };
        var list = new Option<string?>("--list") { Description = "Text file with one 'COMPOSITE MASK [REAL]' pair per line (tab or spaces; # comments); relative paths start at --root." };
        var root = new Option<string?>("--root") { Description = "With --list: the folder relative paths start from (default: the list file's folder)." };
        var output = new Option<string>("--output", "-o") { Description = "Output image (.png recommended; .jpg, .webp).", Required = true };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods, one column each (see 'harmonia methods').", DefaultValueFactory = _ => MethodCatalog.DefaultMethod };
        var models = new Option<string[]>("--model") { Description = "Extra column METHOD=FILE: the method with other weights (repeatable), e.g. s2crnet=old.safetensors.", AllowMultipleArgumentsPerToken = false };
        var settingColumns = new Option<string[]>("--column") { Description = "Extra column 'METHOD KEY=VALUE ...': the method with these settings (repeatable; see 'harmonia methods'), e.g. 'cascade curves-strength=0.75 model=old.safetensors'; labelled by the spec, file paths shortened to their names (values cannot contain spaces).", AllowMultipleArgumentsPerToken = false };
        var height = new Option<int>("--height") { Description = "Cell height in pixels (16-2048).", DefaultValueFactory = _ => 256 };
        var real = new Option<bool>("--real") { Description = "Add a last column with the ground truth where one is known: name_real.* beside a folder's pair, an iHarmony4 layout's real image, or a --list line's third field (COMPOSITE MASK REAL)." };
        var threshold = new Option<float>("--mask-threshold") { Description = "Mask value at or above which a pixel is foreground (0-1].", DefaultValueFactory = _ => Mask.DefaultThreshold };
        var command = new Command("sheet",
            "Draw a contact sheet: a row per composite, columns composite | mask outline | each method (| real, with --real), labelled. For judging methods by eye.")
        {
            folder, list, root, output, methods, models, settingColumns, height, threshold, real,
        };
        command.SetAction(parsed =>
        {
            // Usage errors first (exit 2), then inputs (exit 1).
            var outPath = parsed.GetValue(output)!;
            ImageCodec.EnsureWritableExtension(outPath);
            var t = parsed.GetValue(threshold);
            if (!(t > 0f && t <= 1f)) throw new UsageException($"--mask-threshold must be in (0, 1], got {t}.");
            var options = new ContactSheetOptions(parsed.GetValue(height), t, parsed.GetValue(real));
            if (options.CellHeight is < 16 or > 2048) throw new UsageException($"--height must be 16-2048, got {options.CellHeight}.");
            var columns = Columns(parsed.GetValue(methods)!, parsed.GetValue(models) ?? [], parsed.GetValue(settingColumns) ?? []);
            var listFile = parsed.GetValue(list);
            var folderPath = parsed.GetValue(folder);
            if ((listFile is null) == (folderPath is null))
                throw new UsageException("Give either a FOLDER or --list FILE.");
            if (parsed.GetValue(root) is not null && listFile is null) throw new UsageException("--root goes with --list.");
            var pairs = listFile is not null ? CompositePairs.FromList(listFile, parsed.GetValue(root)) : CompositePairs.InFolder(folderPath!);
            if (pairs.Count == 0)
                throw new HarmoniaException($"No composite/mask pairs in '{folderPath ?? listFile}' (expected name.jpg with name_mask.png, or an iHarmony4 layout).");
            var outFull = Path.GetFullPath(outPath);
            if (pairs.Any(p => Path.GetFullPath(p.CompositePath) == outFull || Path.GetFullPath(p.MaskPath) == outFull))
                throw new UsageException($"Output '{outPath}' would overwrite an input; choose another path.");

            var warnings = new List<string>();
            RgbImage? sheet = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("rows", maxValue: pairs.Count);
                    sheet = ContactSheet.Render(pairs, columns, options, (done, _, _) => task.Value = done, warnings.Add);
                });
            var dir = Path.GetDirectoryName(outFull);
            if (dir is not null) Directory.CreateDirectory(dir);
            ImageCodec.Write(sheet!, outPath);
            foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
            Console.WriteLine($"Wrote {outPath} ({sheet!.Width}x{sheet.Height}: {pairs.Count} rows; columns {string.Join(" | ", ContactSheet.ColumnLabels(columns, options))}).");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// One column per --methods name, then one per --model METHOD=FILE (labelled METHOD:file name), then one per --column
    /// spec (labelled by the spec, with file names for paths).
    /// </summary>
    static List<SheetColumn> Columns(string methods, string[] models, string[] specs)
    {
        var registry = MethodCatalog.CreateDefault();
        var columns = new List<SheetColumn>();
        foreach (var name in methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            columns.Add(new SheetColumn(name, registry.Create(name, MethodSettings.Empty)));
        foreach (var spec in models)
        {
            int eq = spec.IndexOf('=');
            if (eq <= 0 || eq == spec.Length - 1) throw new UsageException($"--model takes METHOD=FILE, got '{spec}'.");
            var (method, file) = (spec[..eq].Trim(), spec[(eq + 1)..].Trim());
            if (!File.Exists(file)) throw new HarmoniaException($"Weights file '{file}' not found.");
            columns.Add(new SheetColumn($"{method}:{Path.GetFileName(file)}", registry.Create(method, MethodSettings.Empty.With("model", file))));
        }
        foreach (var spec in specs)
        {
            var parts = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length < 2) throw new UsageException($"--column takes 'METHOD KEY=VALUE ...', got '{spec}'.");
            var settings = MethodSettings.Parse(parts[1..]);
            var label = string.Join(' ', [parts[0], .. parts[1..].Select(ShortenPath)]);
            columns.Add(new SheetColumn(label, registry.Create(parts[0], settings)));
        }
        if (columns.Select(c => c.Label).Distinct().Count() != columns.Count) throw new UsageException("A column is named twice in --methods/--model/--column.");
        return columns;
    }

    /// <summary><c>key=/some/dir/file.safetensors</c> → <c>key=file.safetensors</c>; other settings unchanged.</summary>
    static string ShortenPath(string assignment)
    {
        int eq = assignment.IndexOf('=');
        var value = assignment[(eq + 1)..];
        return value.Contains('/') || value.Contains('\\') ? assignment[..(eq + 1)] + Path.GetFileName(value) : assignment;
    }
}
