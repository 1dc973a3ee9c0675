using System.CommandLine;
using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Data.Rendering;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia dataset render --out DIR</c>: the RdHarmony builder. Samples procedural 3D scenes, renders each
/// with Blender (Cycles, CPU) in the 10 capture styles, and exchanges foregrounds between styles into an
/// iHarmony4-layout set with a style sidecar. Needs Blender (<c>apt-get install blender</c>). See docs/data.md.
/// </summary>
public static class DatasetRenderCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var output = new Option<string>("--out", "-o") { Description = "Output dataset root (iHarmony4 layout, subset RdHarmony).", Required = true };
        var scenes = new Option<int>("--scenes") { Description = "Number of 3D scenes; each gives --views viewpoints x 10 styles.", DefaultValueFactory = _ => 2 };
        var size = new Option<int>("--size") { Description = "Side of the square renders in pixels.", DefaultValueFactory = _ => 256 };
        var samples = new Option<int>("--samples") { Description = "Cycles samples per pixel (no denoiser in Debian's Blender).", DefaultValueFactory = _ => 64 };
        var threads = new Option<int>("--threads") { Description = "Scenes rendered in parallel: one Blender process each, one Cycles thread per process (bit-exact renders).", DefaultValueFactory = _ => Environment.ProcessorCount };
        var views = new Option<int>("--views") { Description = "Camera viewpoints per scene.", DefaultValueFactory = _ => 2 };
        var pairs = new Option<int>("--pairs") { Description = "Composites per ground-truth render (1-9 foreground styles; 9 = all).", DefaultValueFactory = _ => 9 };
        var categories = new Option<string>("--categories")
        {
            Description = "Character categories, comma-separated, given to scenes in turn: " + string.Join(", ", Characters.All.Select(c => c.Name)) + ".",
            DefaultValueFactory = _ => string.Join(',', Characters.All.Select(c => c.Name)),
        };
        var seed = new Option<int>("--seed") { Description = "Seed of every sampled number (scenes, styles, Cycles, split).", DefaultValueFactory = _ => 1 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Probability that a scene is in the test split.", DefaultValueFactory = _ => 0.1 };
        var resume = new Option<bool>("--resume") { Description = "Keep scenes already rendered (same options); the output is identical either way." };
        var blender = new Option<string?>("--blender") { Description = "Blender executable (default: $HARMONIA_BLENDER, else blender on the PATH)." };
        var log = new Option<string?>("--log") { Description = "Append the build's timing (UTC time, seconds per render) to this file." };

        var command = new Command("render", "Render RdHarmony-style data with Blender: procedural scenes in 10 capture styles, foregrounds exchanged between styles.")
        {
            output, scenes, size, samples, threads, views, pairs, categories, seed, testFraction, resume, blender, log,
        };
        command.SetAction(parsed =>
        {
            var names = parsed.GetValue(categories)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var chosen = names.Select(n => Characters.Find(n) ?? throw new UsageException(
                $"Unknown category '{n}' in --categories (known: {string.Join(", ", Characters.All.Select(c => c.Name))}).")).Distinct().ToList();
            var options = new RenderOptions
            {
                OutDir = parsed.GetValue(output)!,
                Scenes = parsed.GetValue(scenes),
                Size = parsed.GetValue(size),
                Samples = parsed.GetValue(samples),
                Threads = parsed.GetValue(threads),
                Views = parsed.GetValue(views),
                Pairs = parsed.GetValue(pairs),
                Categories = chosen,
                Seed = parsed.GetValue(seed),
                TestFraction = parsed.GetValue(testFraction),
                Resume = parsed.GetValue(resume),
                BlenderPath = parsed.GetValue(blender),
                Command = "harmonia " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            };
            var builder = new RenderedDatasetBuilder(options);
            BlenderRunner.Require(options.BlenderPath); // one clear line before any output is created
            RenderReport? report = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("rendering", maxValue: options.Scenes * builder.RendersPerScene);
                    report = builder.Run(() => task.Increment(1));
                });
            var r = report ?? throw new HarmoniaException("The build produced no report.");
            Console.WriteLine($"Built {options.OutDir}: {r.Scenes} scenes, {r.Samples.Count(s => s.Split == "train")} train + {r.Samples.Count(s => s.Split == "test")} test composites; {RenderedDatasetBuilder.Timing(r)}.");
            foreach (var s in r.Skipped) Console.Error.WriteLine($"harmonia: warning: skipped {s}.");
            if (parsed.GetValue(log) is { } logPath)
            {
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} rendered {Path.GetFullPath(options.OutDir)} seed {options.Seed} size {options.Size} samples {options.Samples} threads {options.Threads}: {RenderedDatasetBuilder.Timing(r)}; {r.Samples.Count} composites\n");
                try { File.AppendAllText(logPath, line); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new HarmoniaException($"The dataset was built, but the log '{logPath}' could not be written: {e.Message}");
                }
            }
            return 0;
        });
        return command;
    }
}
