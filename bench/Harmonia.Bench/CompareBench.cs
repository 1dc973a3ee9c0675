using Harmonia.Core.Registry;
using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>compare</c>: end-to-end speed of registered methods side by side, through the public
/// <see cref="Harmonization.Harmonize"/> (everything a library caller pays except decode/encode): 4:3 textured images
/// with a soft ellipse over ~25% (<see cref="BenchScenes.Textured"/>), long side 256 to 4096 px by default.
/// Per method: the time to create it (weights load) and its first call at the smallest size, then per size
/// <see cref="WarmUpCalls"/> untimed calls and the median of <c>--runs</c> timed calls, and at the largest size the
/// median process CPU time, managed bytes allocated and minor page faults (fresh pages from the kernel) per call.
/// Every method starts from a collected heap, so the order of <c>--methods</c> does not decide who pays for growing it.
/// </summary>
public static class CompareBench
{
    /// <summary>Untimed calls per method and size before the timed ones (JIT tiers and PGO settle, buffers exist).</summary>
    public const int WarmUpCalls = 3;

    /// <summary>The subcommand.</summary>
    public static Command Create()
    {
        var methods = new Option<string[]>("--methods") { Description = "Methods to time (default: every registered method).", AllowMultipleArgumentsPerToken = true };
        var sizes = new Option<int[]>("--sizes") { Description = "Long sides in pixels (images are 4:3).", DefaultValueFactory = _ => [256, 1024, 2048, 4096], AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "Timed runs per method and size (median reported).", DefaultValueFactory = _ => 5 };
        var command = new Command("compare", "End-to-end harmonize ms of every method (classical, S2CRNet, PHNet) per image size.") { methods, sizes, runs };
        command.SetAction(parsed =>
        {
            var registry = MethodCatalog.CreateDefault();
            var names = parsed.GetValue(methods) is { Length: > 0 } chosen ? chosen : registry.All.Select(d => d.Name).ToArray();
            foreach (var name in names)
                if (!registry.Contains(name)) { Console.Error.WriteLine($"bench: unknown method '{name}'."); return 2; }
            Run(registry, names, parsed.GetValue(sizes)!, Math.Max(1, parsed.GetValue(runs)));
            return 0;
        });
        return command;
    }

    static void Run(NamedRegistry<HarmonizerDescriptor> registry, string[] names, int[] sizes, int runs)
    {
        var scenes = sizes.Order().Select(s => BenchScenes.Textured(s, (int)Math.Round(s * 0.75))).ToArray();
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 160);
        var table = new Table().Title($"harmonize ms (median of {runs}; MP/s in brackets), {Environment.ProcessorCount} cores, 4:3 images, ~25% soft foreground");
        table.AddColumn("method");
        table.AddColumn(new TableColumn("create ms").RightAligned());
        table.AddColumn(new TableColumn($"first call ms ({scenes[0].Image.Width}px)").RightAligned());
        foreach (var (image, _) in scenes) table.AddColumn(new TableColumn($"{image.Width}x{image.Height}").RightAligned());
        table.AddColumn(new TableColumn($"median CPU ms at {scenes[^1].Image.Width}px").RightAligned());
        table.AddColumn(new TableColumn("MB allocated per call").RightAligned());
        table.AddColumn(new TableColumn("page faults per call").RightAligned());
        var process = Process.GetCurrentProcess();
        foreach (var name in names)
        {
            // The previous method's garbage is not this one's to collect, nor its committed memory this one's to reuse.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var sw = Stopwatch.StartNew();
            var method = registry.Create(name);
            double createMs = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            method.Harmonize(scenes[0].Image, scenes[0].Mask);
            double firstMs = sw.Elapsed.TotalMilliseconds;
            var cells = new List<string> { name, $"{createMs:F0}", $"{firstMs:F0}" };
            List<Call> calls = [];
            foreach (var (image, mask) in scenes)
            {
                for (int w = 0; w < WarmUpCalls; w++) method.Harmonize(image, mask);
                calls = [];
                for (int r = 0; r < runs; r++)
                {
                    process.Refresh();
                    var cpu0 = process.TotalProcessorTime;
                    long bytes0 = GC.GetTotalAllocatedBytes(precise: true), faults0 = ProcStat.MinorFaults() ?? 0;
                    sw.Restart();
                    method.Harmonize(image, mask);
                    double ms = sw.Elapsed.TotalMilliseconds;
                    process.Refresh();
                    calls.Add(new(ms, (process.TotalProcessorTime - cpu0).TotalMilliseconds,
                        GC.GetTotalAllocatedBytes(precise: true) - bytes0, (ProcStat.MinorFaults() ?? 0) - faults0));
                }
                double wall = BenchScenes.Median(calls.Select(c => c.WallMs));
                cells.Add($"{wall:F1} ({image.PixelCount / 1e3 / wall:F0})");
            }
            // On a shared machine wall time waits for other processes; the median CPU time per call does not.
            cells.Add($"{BenchScenes.Median(calls.Select(c => c.CpuMs)):F0}");
            cells.Add($"{BenchScenes.Median(calls.Select(c => (double)c.Bytes)) / 1048576:F1}");
            cells.Add(ProcStat.MinorFaults() is null ? "-" : $"{BenchScenes.Median(calls.Select(c => (double)c.Faults)):F0}");
            table.AddRow(cells.ToArray());
            (method as IDisposable)?.Dispose();
        }
        AnsiConsole.Write(table);
    }

    /// <summary>One timed call: wall and process CPU milliseconds, managed bytes allocated, minor page faults.</summary>
    readonly record struct Call(double WallMs, double CpuMs, long Bytes, long Faults);
}
