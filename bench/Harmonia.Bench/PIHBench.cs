using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;
using Harmonia.Models.PIH;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>pih</c>: the full-resolution render of edited PIH parameters (curves table × bicubic gain map under the mask,
/// no network pass) per image size — the web sliders' path. Target: 4096×3072 in at most 100 ms.
/// </summary>
public static class PIHBench
{
    /// <summary>The subcommand.</summary>
    public static Command Create()
    {
        var sizes = new Option<string[]>("--sizes") { Description = "WxH sizes.", DefaultValueFactory = _ => ["1024x768", "4096x3072"], AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "Timed runs per size (median reported).", DefaultValueFactory = _ => 9 };
        var command = new Command("pih", "PIH: render of edited parameters (curves + shading map, no network) per size: wall and CPU ms.") { sizes, runs };
        command.SetAction(parsed =>
        {
            Run(parsed.GetValue(sizes)!, parsed.GetValue(runs));
            return 0;
        });
        return command;
    }

    static void Run(string[] sizes, int runs)
    {
        // Edited parameters as a slider would make them: a predicted-looking curve and 64² gain, then new strengths.
        var random = new Random(1);
        var nodes = Enumerable.Range(0, 96).Select(i => (float)Math.Clamp((i % 32 + 0.5) / 32 * 1.1 + (random.NextDouble() - 0.5) * 0.05, 0, 1)).ToArray();
        var gain = Enumerable.Range(0, 64 * 64).Select(i => 0.6f + 0.4f * (i % 64) / 63f).ToArray();
        var predicted = new PIHParameters(PIHCurves.Table(nodes), gain, 64, 64, nodes: nodes);
        var table = new Table().AddColumns("size", "fg %", "case", "median wall ms", "min wall ms", "CPU ms per render", "threads");
        foreach (var text in sizes)
        {
            var parts = text.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int w) || !int.TryParse(parts[1], out int h) || w < 1 || h < 1)
            {
                AnsiConsole.MarkupLine($"[red]bad size '{Markup.Escape(text)}' (WxH)[/]");
                return;
            }
            var (image, mask) = BenchScenes.Textured(w, h);
            var destination = new RgbImage(w, h);
            foreach (var (name, edited) in new[] { ("curves × shading (color 0.8, shading 1.5)", predicted.WithStrengths(0.8f, 1.5f)), ("curves alone (shading 0)", predicted.WithStrengths(0.8f, 0f)) })
            {
                for (int i = 0; i < 2; i++) edited.RenderInto(image, mask, 1f, destination); // warm-up
                var wall = new List<double>();
                var process = Process.GetCurrentProcess();
                var cpuBefore = process.TotalProcessorTime;
                for (int r = 0; r < runs; r++)
                {
                    var sw = Stopwatch.StartNew();
                    edited.RenderInto(image, mask, 1f, destination);
                    wall.Add(sw.Elapsed.TotalMilliseconds);
                }
                process.Refresh();
                double cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / runs;
                table.AddRow($"{w}×{h}", $"{mask.ForegroundRatio() * 100:F0}", name, $"{BenchScenes.Median(wall):F1}", $"{wall.Min():F1}", $"{cpu:F1}", $"{Environment.ProcessorCount}");
            }
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"render = Map (table at the strength, gain grid upsampled across once) + {nameof(ForegroundRenderer)} over the rows in parallel into a reused buffer; load average {Load()}.");
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}
