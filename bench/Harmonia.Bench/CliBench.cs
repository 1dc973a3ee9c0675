using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Harmonia.Core.Imaging;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>cli</c>: what a user feels — the built <c>harmonia harmonize</c> command run as a child process on generated
/// JPEG composites (64×48, 1152×864 ≈ 1 MP, 4096×3072 ≈ 12.6 MP) to PNG and JPEG, per method: median wall time,
/// median CPU time (user + system, less sensitive to a busy machine) and peak RSS, with the RSS above the 64×48 run
/// per pixel (issue 16 target: at most 8 bytes per pixel). Needs GNU time at /usr/bin/time for CPU and RSS.
/// </summary>
public static class CliBench
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var cli = new Option<string?>("--cli") { Description = "The harmonia executable (default: src/Harmonia.Cli/bin/Release/net10.0/harmonia of this checkout)." };
        var methods = new Option<string[]>("--methods") { Description = "Methods to run.", DefaultValueFactory = _ => ["s2crnet", "reinhard"], AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "Runs per row (median reported).", DefaultValueFactory = _ => 5 };
        var command = new Command("cli", "End-to-end harmonize command: wall, CPU and peak RSS per size, output format and method.") { cli, methods, runs };
        command.SetAction(parsed => Run(parsed.GetValue(cli) ?? FindCli(), parsed.GetValue(methods)!, Math.Max(1, parsed.GetValue(runs))));
        return command;
    }

    static string FindCli()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Harmonia.Cli", "bin", "Release", "net10.0", "harmonia");
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("Build the CLI first (dotnet build src/Harmonia.Cli -c Release) or pass --cli.");
    }

    static int Run(string cli, string[] methods, int runs)
    {
        var scratch = Path.Combine(Path.GetTempPath(), "harmonia-cli-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            (string Name, int W, int H)[] sizes = [("64x48", 64, 48), ("1 MP", 1152, 864), ("12.6 MP", 4096, 3072)];
            var table = new Table().AddColumn("size").AddColumn("out").AddColumn("method")
                .AddColumn(new TableColumn("wall s").RightAligned()).AddColumn(new TableColumn("CPU s").RightAligned())
                .AddColumn(new TableColumn("peak RSS MB").RightAligned()).AddColumn(new TableColumn("RSS above 64x48, B/px").RightAligned());
            var baseline = new Dictionary<string, double>();
            foreach (var (name, w, h) in sizes)
            {
                var (image, mask) = BenchScenes.Textured(w, h);
                var composite = Path.Combine(scratch, $"c{w}.jpg");
                var maskPath = Path.Combine(scratch, $"c{w}_mask.png");
                ImageCodec.Write(image, composite, 95);
                ImageCodec.WriteMask(mask, maskPath);
                foreach (var ext in w > 1000 ? new[] { ".png", ".jpg" } : [".png"])
                {
                    foreach (var method in methods)
                    {
                        var samples = Enumerable.Range(0, runs).Select(_ => Measure(cli, composite, maskPath, Path.Combine(scratch, "out" + ext), method)).ToList();
                        double wall = BenchScenes.Median(samples.Select(s => s.Wall));
                        double cpu = BenchScenes.Median(samples.Select(s => s.Cpu));
                        double rss = samples.Max(s => s.RssMb);
                        if (w == 64) baseline[method] = rss;
                        string perPixel = w == 64 || !baseline.TryGetValue(method, out var b) || double.IsNaN(rss) ? "-"
                            : ((rss - b) * 1024 * 1024 / ((double)w * h)).ToString("F1", CultureInfo.InvariantCulture);
                        table.AddRow(name, ext, method, wall.ToString("F2", CultureInfo.InvariantCulture), Format(cpu), Format(rss, "F0"), perPixel);
                    }
                }
            }
            AnsiConsole.Write(table);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    static string Format(double value, string format = "F2") => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>One run: wall seconds, CPU seconds and peak RSS in MB (NaN without GNU time).</summary>
    static (double Wall, double Cpu, double RssMb) Measure(string cli, string composite, string mask, string output, string method)
    {
        bool timed = File.Exists("/usr/bin/time");
        var psi = new ProcessStartInfo(timed ? "/usr/bin/time" : cli) { RedirectStandardError = true, RedirectStandardOutput = true };
        if (timed) foreach (var a in new[] { "-f", "%U %S %M", cli }) psi.ArgumentList.Add(a);
        foreach (var a in new[] { "harmonize", composite, mask, "-o", output, "-m", method }) psi.ArgumentList.Add(a);
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        double wall = watch.Elapsed.TotalSeconds;
        _ = stdout.Result;
        if (p.ExitCode != 0) throw new InvalidOperationException($"harmonia failed: {stderr}");
        if (!timed) return (wall, double.NaN, double.NaN);
        var f = stderr.Trim().Split('\n')[^1].Split(' ');
        return (wall, double.Parse(f[0], CultureInfo.InvariantCulture) + double.Parse(f[1], CultureInfo.InvariantCulture),
            double.Parse(f[2], CultureInfo.InvariantCulture) / 1024);
    }
}
