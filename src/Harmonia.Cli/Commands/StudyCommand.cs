using System.CommandLine;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Harmonia.Evaluation.Study;
using Harmonia.Models;
using Harmonia.Web.Study;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary><c>harmonia study prepare</c> (precompute a study set) and <c>harmonia study scores</c> (Bradley–Terry from the votes).</summary>
public static class StudyCommand
{
    /// <summary>Creates the command with its two subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("study", "User study: precompute method outputs for 'harmonia serve --study', and score the votes.");
        command.Subcommands.Add(Prepare());
        command.Subcommands.Add(Scores());
        return command;
    }

    static Command Prepare()
    {
        var folder = new Argument<string>("folder") { Description = "Folder of composites and masks (as 'harmonize FOLDER' reads it)." };
        var output = new Option<string>("--out", "-o") { Description = "Study folder to write (items/NAME/composite.jpg, mask.png, METHOD.jpg).", Required = true };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods to compare (at least two).", DefaultValueFactory = _ => $"{MethodCatalog.DefaultMethod},reinhard,histogram" };
        var maxSide = new Option<int>("--max-side") { Description = "Longest side of the images shown (larger composites are reduced first).", DefaultValueFactory = _ => 1280 };
        var command = new Command("prepare", "Precompute every method's output for every composite of FOLDER into a study set.") { folder, output, methods, maxSide };
        command.SetAction(parsed =>
        {
            var names = parsed.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
            if (names.Count < 2) throw new UsageException("--methods needs at least two methods.");
            int side = parsed.GetValue(maxSide);
            if (side < 16) throw new UsageException($"--max-side must be at least 16, got {side}.");
            var source = parsed.GetValue(folder)!;
            if (!Directory.Exists(source)) throw new UsageException($"'{source}' is not a folder.");
            var registry = MethodCatalog.CreateDefault();
            var harmonizers = names.Select(n => (Name: registry.Get(n).Name, Method: registry.Create(n))).ToList();
            var items = CompositePairs.InFolder(source);
            if (items.Count == 0) throw new HarmoniaException($"No composite/mask pairs in '{source}'.");
            var itemsDir = Path.Combine(parsed.GetValue(output)!, "items");
            foreach (var item in items)
            {
                var (composite, mask) = FileHarmonizer.Load(item.CompositePath, item.MaskPath, Mask.DefaultThreshold);
                (composite, mask) = Reduce(composite, mask, side);
                var dir = Path.Combine(itemsDir, item.Name.Replace('/', '_'));
                Directory.CreateDirectory(dir);
                ImageCodec.Write(composite, Path.Combine(dir, "composite.jpg"), 92);
                ImageCodec.WriteMask(mask, Path.Combine(dir, "mask.png"));
                foreach (var (name, method) in harmonizers)
                    ImageCodec.Write(FileHarmonizer.Harmonize(method, composite, mask).Result, Path.Combine(dir, name + ".jpg"), 92);
                Console.WriteLine($"{Path.GetFileName(dir)}: {string.Join(", ", harmonizers.Select(h => h.Name))}");
            }
            Console.WriteLine($"Wrote {items.Count} items to {itemsDir}; run: harmonia serve --study {parsed.GetValue(output)}");
            return 0;
        });
        return command;
    }

    static (RgbImage, Mask) Reduce(RgbImage composite, Mask mask, int side)
    {
        double scale = side / (double)Math.Max(composite.Width, composite.Height);
        if (scale >= 1) return (composite, mask);
        int w = Math.Max(1, (int)Math.Round(composite.Width * scale)), h = Math.Max(1, (int)Math.Round(composite.Height * scale));
        return (Resize.Rgb(composite, w, h), Resize.Mask(mask, w, h));
    }

    static Command Scores()
    {
        var db = new Argument<string>("db") { Description = "The vote database (votes.db in the study folder)." };
        var csv = new Option<string?>("--csv") { Description = "Also write the scores and win rates as CSV to this file." };
        var prior = new Option<double>("--prior") { Description = "Pseudo-votes per pair of methods that met, split evenly (keeps scores finite; 0 = plain MLE).", DefaultValueFactory = _ => 1.0 };
        var command = new Command("scores", "Bradley–Terry scores (MM algorithm) with 95 % intervals (Fisher information) and the win-rate table.") { db, csv, prior };
        command.SetAction(parsed =>
        {
            var votes = VoteStore.OpenExisting(parsed.GetValue(db)!).Pairwise();
            if (votes.Count == 0) throw new HarmoniaException("The database has no votes yet.");
            double p = parsed.GetValue(prior);
            if (!(p >= 0)) throw new UsageException($"--prior must be 0 or more, got {p}.");
            var fit = BradleyTerry.Fit(votes, p);
            var table = new Table().AddColumn("method").AddColumn("score (log-strength)").AddColumn("95 % interval").AddColumn("wins / comparisons");
            foreach (var s in fit.Scores.OrderByDescending(s => s.Score))
                table.AddRow(Markup.Escape(s.Method), $"{s.Score:F3}", Markup.Escape($"[{s.Low:F3}, {s.High:F3}]"), $"{s.Wins} / {s.Comparisons}");
            AnsiConsole.Write(table);
            var rates = new Table().AddColumn("win rate (row beats column)");
            foreach (var m in fit.Methods) rates.AddColumn(Markup.Escape(m));
            for (int i = 0; i < fit.Methods.Count; i++)
                rates.AddRow([Markup.Escape(fit.Methods[i]), .. fit.Methods.Select((_, j) => fit.WinRate(i, j) is var r && double.IsNaN(r) ? "-" : $"{r:P0}")]);
            AnsiConsole.Write(rates);
            Console.WriteLine($"{votes.Count} votes.");
            if (parsed.GetValue(csv) is { } path) AtomicFile.WriteAllText(path, BradleyTerry.ToCsv(fit));
            return 0;
        });
        return command;
    }
}
