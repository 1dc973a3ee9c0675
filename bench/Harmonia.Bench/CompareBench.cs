using Harmonia.Core.Registry;
using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>compare</c>: end-to-end speed of registered methods side by side, through the public
/// <see cref="Harmonization.Harmonize"/> (everything a library caller pays except decode/encode): 4:3 textured images
/// with a soft ellipse over ~25% (<see cref="BenchScenes.Textured"/>), long side 256 to 4096 px by default.
/// Per method: the time to create it (weights load) and its first call at the smallest size. Then every method makes
/// <see cref="WarmUpCalls"/> untimed calls at every size before any call is timed, and the <c>--runs</c> timed calls
/// per size go round-robin over the methods (each round starting one method later), so neither JIT warm-up nor a
/// change of load on a shared machine favours the methods listed first. Reported: the median wall time per size, and
/// at the largest size the median process CPU time, managed bytes allocated and minor page faults (fresh pages from
/// the kernel) per call.
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
        var methods = new IHarmonizer[names.Length];
        var rows = new List<string>[names.Length];
        for (int m = 0; m < names.Length; m++)
        {
            var sw = Stopwatch.StartNew();
            methods[m] = registry.Create(names[m]);
            double createMs = sw.Elapsed.TotalMilliseconds;
            sw.Restart();
            methods[m].Harmonize(scenes[0].Image, scenes[0].Mask);
            rows[m] = [names[m], $"{createMs:F0}", $"{sw.Elapsed.TotalMilliseconds:F0}"];
        }
        // Every method is warm (JIT tiers, PGO, buffers) before any is timed: shared code tiered up during the first
        // method's runs would otherwise make the order of --methods decide the ratios.
        foreach (var (image, mask) in scenes)
            foreach (var method in methods)
                for (int w = 0; w < WarmUpCalls; w++) method.Harmonize(image, mask);
        var calls = new List<Call>[names.Length];
        foreach (var (image, mask) in scenes)
        {
            for (int m = 0; m < names.Length; m++) calls[m] = [];
            // Round-robin, starting one method later each round: on a shared machine every method meets the same load.
            for (int r = 0; r < runs; r++)
                for (int k = 0; k < names.Length; k++)
                {
                    int m = (r + k) % names.Length;
                    calls[m].Add(Time(methods[m], image, mask));
                }
            for (int m = 0; m < names.Length; m++)
            {
                double wall = BenchScenes.Median(calls[m].Select(c => c.WallMs));
                rows[m].Add($"{wall:F1} ({image.PixelCount / 1e3 / wall:F0})");
            }
        }
        for (int m = 0; m < names.Length; m++)
        {
            // On a shared machine wall time waits for other processes; the median CPU time per call does not.
            rows[m].Add($"{BenchScenes.Median(calls[m].Select(c => c.CpuMs)):F0}");
            rows[m].Add($"{BenchScenes.Median(calls[m].Select(c => (double)c.Bytes)) / 1048576:F1}");
            rows[m].Add(ProcStat.MinorFaults() is null ? "-" : $"{BenchScenes.Median(calls[m].Select(c => (double)c.Faults)):F0}");
            table.AddRow(rows[m].ToArray());
            (methods[m] as IDisposable)?.Dispose();
        }
        AnsiConsole.Write(table);
    }

    /// <summary>One call of <paramref name="method"/>, measured.</summary>
    static Call Time(IHarmonizer method, RgbImage image, Mask mask)
    {
        var cpu0 = Environment.CpuUsage.TotalTime;
        long bytes0 = GC.GetTotalAllocatedBytes(precise: true), faults0 = ProcStat.MinorFaults() ?? 0;
        var sw = Stopwatch.StartNew();
        method.Harmonize(image, mask);
        double ms = sw.Elapsed.TotalMilliseconds;
        return new(ms, (Environment.CpuUsage.TotalTime - cpu0).TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true) - bytes0, (ProcStat.MinorFaults() ?? 0) - faults0);
    }

    /// <summary>One timed call: wall and process CPU milliseconds, managed bytes allocated, minor page faults.</summary>
    readonly record struct Call(double WallMs, double CpuMs, long Bytes, long Faults);
}
