using Harmonia.Core.Methods;
using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Core.Methods.Classical;
using Harmonia.Models;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>classical</c>: megapixels per second of every classical method at 1, 4 and 16 MP (synthetic textured image,
/// soft elliptical mask over ~25% of it). Fitting (statistics) and rendering are timed separately; three warm-up runs
/// are excluded, the median of several runs is reported, and the destination buffer is reused. The process CPU time
/// per run is reported too: on a busy shared machine wall time is inflated by other processes, and CPU time / 2
/// estimates the wall time on two idle cores (optimistic only by the parallel overhead that CPU time hides; the
/// kernel counts CPU time in 10 ms ticks, so short runs are coarse).
/// </summary>
public static class ClassicalBench
{
    /// <summary>The subcommand.</summary>
    public static Command Command()
    {
        var runs = new Option<int>("--runs") { Description = "timed runs per size (median reported)", DefaultValueFactory = _ => 5 };
        var sizes = new Option<double[]>("--megapixels") { Description = "image sizes in megapixels", DefaultValueFactory = _ => [1, 4, 16], AllowMultipleArgumentsPerToken = true };
        var command = new Command("classical", "Speed of the classical methods (fit + render) at several image sizes.") { runs, sizes };
        command.SetAction(parsed =>
        {
            Run(parsed.GetValue(sizes)!, Math.Max(1, parsed.GetValue(runs)));
            return 0;
        });
        return command;
    }

    static void Run(double[] megapixels, int runs)
    {
        var registry = HarmonizerRegistry.CreateEmpty();
        ClassicalMethods.RegisterAll(registry);
        var table = new Table().Title($"Classical methods, {Environment.ProcessorCount} cores, median of {runs} runs (3 warm-up runs excluded)");
        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 150);
        foreach (var c in new[] { "method", "size", "fg", "fit ms", "render ms", "total ms", "MP/s total", "MP/s render", "CPU ms", "MP/s from CPU/2" })
            table.AddColumn(new TableColumn(c).RightAligned());
        foreach (var mp in megapixels)
        {
            var (image, mask) = Scene(mp);
            var destination = new RgbImage(image.Width, image.Height);
            double realMp = image.PixelCount / 1e6;
            foreach (var descriptor in registry.All)
            {
                var method = registry.Create(descriptor.Name);
                // Warm-up: JIT tiers (tiered PGO recompiles hot loops after the first calls), page faults.
                for (int r = 0; r < 3; r++) ForegroundRenderer.Render(image, mask, method.Fit(image, mask), destination);
                var fit = new List<double>();
                var render = new List<double>();
                var total = new List<double>();
                var cpu = new List<double>();
                var process = Process.GetCurrentProcess();
                for (int r = 0; r < runs; r++)
                {
                    var cpu0 = process.TotalProcessorTime;
                    var sw = Stopwatch.StartNew();
                    var map = method.Fit(image, mask);
                    double f = sw.Elapsed.TotalMilliseconds;
                    ForegroundRenderer.Render(image, mask, map, destination);
                    double t = sw.Elapsed.TotalMilliseconds;
                    fit.Add(f);
                    render.Add(t - f);
                    total.Add(t);
                    process.Refresh();
                    cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
                }
                double mf = BenchScenes.Median(fit), mr = BenchScenes.Median(render), mt = BenchScenes.Median(total), mc = BenchScenes.Median(cpu);
                table.AddRow(descriptor.Name, $"{image.Width}x{image.Height}", $"{mask.ForegroundRatio():P0}",
                    $"{mf:F1}", $"{mr:F1}", $"{mt:F1}", $"{realMp / (mt / 1000):F0}", $"{realMp / (mr / 1000):F0}",
                    $"{mc:F0}", $"{realMp / (mc / 2000):F0}");
            }
        }
        AnsiConsole.Write(table);
    }

    /// <summary>A 4:3 textured scene of about <paramref name="megapixels"/> MP (<see cref="BenchScenes.Textured"/>).</summary>
    static (RgbImage Image, Mask Mask) Scene(double megapixels)
    {
        int w = (int)Math.Round(Math.Sqrt(megapixels * 1e6 * 4 / 3)), h = (int)Math.Round(w * 0.75);
        return BenchScenes.Textured(w, h);
    }
}
