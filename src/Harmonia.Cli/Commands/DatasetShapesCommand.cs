using System.CommandLine;
using Harmonia.Data.Shapes;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia dataset shapes --photos DIR --out DIR</c>: multi-scale random crops of unannotated photos, each with a
/// generated shape mask (blob, polygon, sphere, box, cylinder, cone), ready for <c>dataset synth</c>.
/// </summary>
public static class DatasetShapesCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var photos = new Option<string>("--photos") { Description = "Folder of source photos (any size).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output folder (photos/, masks/, MANIFEST.md).", Required = true };
        var crops = new Option<int>("--crops") { Description = "Crops per photo (scales cycle 1, 0.6, 0.35 of the short side).", DefaultValueFactory = _ => 6 };
        var size = new Option<int>("--size") { Description = "Side of the square crops in pixels.", DefaultValueFactory = _ => 256 };
        var seed = new Option<int>("--seed") { Description = "Seed of crops and shapes.", DefaultValueFactory = _ => 1 };
        var credits = new Option<string?>("--credits") { Description = "TSV (file, package, licence, copyright) describing the sources, copied into MANIFEST.md." };
        var command = new Command("shapes", "Crop unannotated photos and give each crop a generated shape mask (input for dataset synth).")
        {
            photos, output, crops, size, seed, credits,
        };
        command.SetAction(parsed =>
        {
            var options = new ShapeDatasetOptions
            {
                PhotosDir = parsed.GetValue(photos)!,
                OutDir = parsed.GetValue(output)!,
                CropsPerPhoto = parsed.GetValue(crops),
                Size = parsed.GetValue(size),
                Seed = parsed.GetValue(seed),
                CreditsTsv = parsed.GetValue(credits),
            };
            int n = 0;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("cropping");
                task.IsIndeterminate = true;
                n = ShapeDatasetBuilder.Build(options, () => task.Increment(1));
                task.StopTask();
            });
            Console.WriteLine($"Wrote {n} photo/mask pairs to {options.OutDir} (photos/, masks/, MANIFEST.md).");
            return 0;
        });
        return command;
    }
}
