using Harmonia.Core.Randomness;
using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Datasets;
using Harmonia.Training.Data;
using Spectre.Console;
using TorchSharp;

namespace Harmonia.Bench;

/// <summary>
/// <c>loader [DIR]</c>: training-loader throughput (samples/s) at 256² with batch 8, the trainer's view: batches
/// taken from the prefetch queue as fast as possible. DIR defaults to /work/data/harmonia-synth-v1 when present,
/// otherwise a temporary synthetic layout of 256² JPEGs is generated in /tmp (and deleted afterwards).
/// </summary>
public static class LoaderBench
{
    const string DefaultData = "/work/data/harmonia-synth-v1";

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new Argument<string?>("data") { Description = "iHarmony4-layout dataset root.", Arity = ArgumentArity.ZeroOrOne };
        var batchSize = new Option<int>("--batch-size") { Description = "Batch size.", DefaultValueFactory = _ => 8 };
        var size = new Option<int>("--size") { Description = "Crop size.", DefaultValueFactory = _ => 256 };
        var batches = new Option<int>("--batches") { Description = "Batches to time (after one warm-up batch).", DefaultValueFactory = _ => 40 };
        var workers = new Option<int[]>("--workers") { Description = "Worker counts to compare.", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
        var stages = new Option<bool>("--stages") { Description = "Also time each stage of one sample on one thread (decode composite, mask, real; augment)." };
        var split = new Option<string>("--split") { Description = "Split list ('all' = every composite).", DefaultValueFactory = _ => "train" };
        var command = new Command("loader", "Training loader throughput (decode, resize, crop, flip, batch) in samples/s.");
        command.Arguments.Add(data);
        foreach (var o in new Option[] { batchSize, size, batches, workers, split, stages }) command.Options.Add(o);
        command.SetAction(parsed =>
        {
            string? root = parsed.GetValue(data);
            string? temp = null;
            if (root is null)
            {
                if (IHarmony4Layout.IsLayout(DefaultData)) root = DefaultData;
                else
                {
                    temp = Path.Combine(Path.GetTempPath(), "harmonia-loader-bench-" + Guid.NewGuid().ToString("N"));
                    var sw = Stopwatch.StartNew();
                    SyntheticLayout.Write(temp, 400, 256, 256, ".jpg", seed: 1);
                    AnsiConsole.WriteLine($"Generated a synthetic layout of 400 256x256 JPEG samples in {temp} ({sw.Elapsed.TotalSeconds:0.0} s).");
                    root = temp;
                }
            }
            try
            {
                torch.set_num_threads(2);
                var table = new Table().AddColumn("dataset").AddColumn("workers").AddColumn("batch").AddColumn("size")
                    .AddColumn("batches").AddColumn("samples/s").AddColumn("ms/batch").AddColumn("CPU ms/sample").AddColumn("2 free cores (est.)");
                foreach (var w in parsed.GetValue(workers)!)
                {
                    var options = new LoaderOptions
                    {
                        BatchSize = parsed.GetValue(batchSize), Size = parsed.GetValue(size), Workers = w, Prefetch = Math.Max(3, w + 1), Seed = 1,
                    };
                    var splitName = parsed.GetValue(split)!;
                    var loader = HarmonizationLoader.Open(root, splitName == "all" ? null : splitName, options);
                    int wanted = parsed.GetValue(batches), timed = 0;
                    long samples = 0;
                    var clock = new Stopwatch();
                    var process = Process.GetCurrentProcess();
                    TimeSpan cpuStart = TimeSpan.Zero;
                    for (int epoch = 0; timed < wanted; epoch++)
                    {
                        foreach (var batch in loader.Epoch(epoch))
                        {
                            using (batch)
                            {
                                if (!clock.IsRunning) { process.Refresh(); cpuStart = process.TotalProcessorTime; clock.Start(); continue; } // the first batch is warm-up
                                samples += batch.Size;
                                if (++timed >= wanted) break;
                            }
                        }
                    }
                    clock.Stop();
                    process.Refresh();
                    // CPU time per sample is robust to other load on the machine; 2 cores fully free would give 2000 / that.
                    double cpuMsPerSample = (process.TotalProcessorTime - cpuStart).TotalMilliseconds / samples;
                    table.AddRow(Markup.Escape(Path.GetFileName(Path.TrimEndingDirectorySeparator(root))), w.ToString(), options.BatchSize.ToString(), options.Size.ToString(),
                        timed.ToString(), $"{samples / clock.Elapsed.TotalSeconds:0.0}", $"{clock.Elapsed.TotalMilliseconds / timed:0.0}",
                        $"{cpuMsPerSample:0.00}", $"{2000 / cpuMsPerSample:0} samples/s");
                }
                AnsiConsole.Write(table);
                if (parsed.GetValue(stages)) TimeStages(root, parsed.GetValue(split)!, parsed.GetValue(size));
                AnsiConsole.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}.");
            }
            finally
            {
                if (temp is not null) Directory.Delete(temp, recursive: true);
            }
            return 0;
        });
        return command;
    }

    static void TimeStages(string root, string split, int size)
    {
        var samples = IHarmony4Layout.Read(root, split == "all" ? null : split).Take(100).ToList();
        var options = new LoaderOptions { Size = size };
        var comp = new float[3 * size * size];
        var mask = new float[size * size];
        var real = new float[3 * size * size];
        double tc = 0, tm = 0, tr = 0, ta = 0;
        var sw = new Stopwatch();
        for (int pass = 0; pass < 2; pass++) // pass 0 warms up
            foreach (var s in samples)
            {
                sw.Restart();
                var c = Harmonia.Core.Imaging.ImageCodec.Read(s.CompositePath);
                double a = sw.Elapsed.TotalMilliseconds;
                var m = Harmonia.Core.Imaging.ImageCodec.ReadMask(s.MaskPath);
                double b = sw.Elapsed.TotalMilliseconds;
                var r = Harmonia.Core.Imaging.ImageCodec.Read(s.RealPath!);
                double d = sw.Elapsed.TotalMilliseconds;
                SampleAugmenter.Render(c, m, r, options, SeededRandom.FromValues(1), comp, mask, real);
                double e = sw.Elapsed.TotalMilliseconds;
                if (pass == 0) continue;
                tc += a; tm += b - a; tr += d - b; ta += e - d;
            }
        int n = samples.Count;
        var t = new Table().AddColumn("stage (one thread)").AddColumn("ms/sample");
        t.AddRow("decode composite", $"{tc / n:0.00}");
        t.AddRow("decode mask", $"{tm / n:0.00}");
        t.AddRow("decode real", $"{tr / n:0.00}");
        t.AddRow("resize/crop/flip/planar", $"{ta / n:0.00}");
        AnsiConsole.Write(t);
    }

    static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}
