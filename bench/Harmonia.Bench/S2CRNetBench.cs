using System.CommandLine;
using System.Diagnostics;
using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Training.Contracts;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods.S2CRNet;
using Harmonia.Core.Methods;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Bench;

/// <summary>
/// <c>s2crnet</c>: speed of the S²CRNet method per image size (render step, end-to-end harmonize without file I/O,
/// first-call latency, peak working set); <c>--train</c>: training samples/s with and without the LSGAN discriminator.
/// </summary>
public static class S2CRNetBench
{
    /// <summary>The subcommand.</summary>
    public static Command Create()
    {
        var sizes = new Option<int[]>("--sizes") { Description = "Square image sides.", DefaultValueFactory = _ => [256, 1024, 2048, 4096, 8192], AllowMultipleArgumentsPerToken = true };
        var runs = new Option<int>("--runs") { Description = "Timed runs per size (median reported).", DefaultValueFactory = _ => 5 };
        var model = new Option<string?>("--model") { Description = "Weights file (default: embedded, else an untrained model of the same size)." };
        var train = new Option<bool>("--train") { Description = "Measure training samples/s (256² and 128², with and without adversarial loss) instead." };
        var command = new Command("s2crnet", "S2CRNet: render/harmonize ms per size, first-call latency, peak memory; or training throughput.") { sizes, runs, model, train };
        command.SetAction(parsed =>
        {
            TorchRuntime.EnsureAvailable();
            if (parsed.GetValue(train)) TrainThroughput();
            else Inference(parsed.GetValue(sizes)!, parsed.GetValue(runs), parsed.GetValue(model));
            return 0;
        });
        return command;
    }

    static S2CRNetModel LoadModel(string? path) =>
        path is not null ? S2CRNetWeights.Load(path)
        : S2CRNetWeights.HasEmbedded ? S2CRNetWeights.LoadEmbedded()
        : new S2CRNetModel(new S2CRNetConfig());

    static (RgbImage Image, Mask Mask) Scene(int size)
    {
        var image = new RgbImage(size, size);
        var alpha = new float[size * size];
        Parallel.For(0, size, y =>
        {
            var row = image.Row(y);
            for (int x = 0; x < size; x++)
            {
                row[3 * x] = (byte)(x * 255 / size);
                row[3 * x + 1] = (byte)(y * 255 / size);
                row[3 * x + 2] = (byte)((x + y) * 127 / size);
                double dx = (x - size * 0.5) / (size * 0.3), dy = (y - size * 0.55) / (size * 0.35);
                double d = dx * dx + dy * dy;
                alpha[y * size + x] = d < 0.95 ? 1f : d < 1.05 ? (float)((1.05 - d) / 0.1) : 0f;
            }
        });
        return (image, new Mask(size, size, alpha));
    }

    static void Inference(int[] sizes, int runs, string? modelPath)
    {
        var first = Stopwatch.StartNew();
        var harmonizer = new S2CRNetHarmonizer(LoadModel(modelPath));
        var (warmImage, warmMask) = Scene(sizes.Min());
        double loadMs = first.Elapsed.TotalMilliseconds;
        harmonizer.Harmonize(warmImage, warmMask);
        double firstMs = first.Elapsed.TotalMilliseconds;
        AnsiConsole.MarkupLine($"first call (load weights + first {sizes.Min()}² harmonize, fresh process): [bold]{firstMs:F0} ms[/] (of which model load {loadMs:F0} ms)");
        for (int i = 0; i < 3; i++) harmonizer.Harmonize(warmImage, warmMask); // warm-up

        var table = new Table().AddColumns("size", "fg %", "render ms", "thumbnails ms", "network ms", "harmonize ms (end-to-end)", "first harmonize at size ms", "peak working set MB");
        foreach (var size in sizes)
        {
            var (image, mask) = Scene(size);
            GC.Collect();
            var destination = new RgbImage(size, size);
            var sw = Stopwatch.StartNew();
            harmonizer.Harmonize(image, mask);
            double firstAtSize = sw.Elapsed.TotalMilliseconds;
            var render = new List<double>();
            var predict = new List<double>();
            var thumbs = new List<double>();
            var nets = new List<double>();
            var total = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                sw.Restart();
                var curves = harmonizer.PredictCurves(image, mask);
                double p = sw.Elapsed.TotalMilliseconds;
                var lut = curves.ToLut();
                sw.Restart();
                ForegroundRenderer.Render(image, mask, lut, destination);
                render.Add(sw.Elapsed.TotalMilliseconds);
                predict.Add(p);
                thumbs.Add(harmonizer.LastThumbnailMs);
                nets.Add(harmonizer.LastNetworkMs);
                sw.Restart();
                harmonizer.Harmonize(image, mask);
                total.Add(sw.Elapsed.TotalMilliseconds);
            }
            table.AddRow($"{size}²", $"{mask.ForegroundRatio() * 100:F0}", $"{BenchScenes.Median(render):F1}", $"{BenchScenes.Median(thumbs):F1}", $"{BenchScenes.Median(nets):F1}", $"{BenchScenes.Median(total):F1}",
                $"{firstAtSize:F0}", $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0}");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("render = exact 8-bit LUT of the cascade applied under the mask (parallel rows) into a reused buffer; harmonize = thumbnails + network + LUT + render into a new image (no decode/encode).");
    }

    /// <summary>Synthetic batches: random smooth images with a darker/tinted rectangle foreground.</summary>
    sealed class SyntheticBatches(int size, int batch, int count) : IBatchSource
    {
        public int SampleCount => batch * count;
        public int? BatchesPerEpoch => count;
        public IEnumerable<HarmonizationBatch> Epoch(int epoch)
        {
            for (int i = 0; i < count; i++)
            {
                var real = torch.rand(batch, 3, 1, 1) * 0.5 + 0.25 + torch.rand(batch, 3, size, size) * 0.2;
                var mask = torch.zeros(batch, 1, size, size);
                mask[.., .., (size / 4)..(size * 3 / 4), (size / 8)..(size * 5 / 8)] = torch.tensor(1f);
                var composite = real * (1 - mask) + real * torch.rand(batch, 3, 1, 1).mul(0.6).add(0.6) * mask;
                yield return new HarmonizationBatch(composite.clamp(0, 1), mask, real, torch.full(batch, 4, dtype: ScalarType.Int64), Enumerable.Repeat("s", batch).ToList());
            }
        }
    }

    static void TrainThroughput()
    {
        var table = new Table().AddColumns("train size", "adversarial", "batch", "steps", "samples/s", "s per 1000 samples");
        foreach (var (size, adversarial) in new[] { (256, false), (256, true), (128, false), (128, true) })
        {
            const int batch = 8, steps = 6;
            var dir = Path.Combine(Path.GetTempPath(), $"s2crnet-bench-{Environment.ProcessId}-{size}-{adversarial}");
            var task = S2CRNetTraining.Create(MethodSettings.Empty, size);
            var options = new TrainerOptions
            {
                OutputDirectory = dir, MaxSteps = steps, Epochs = 1, Adversarial = adversarial ? new AdversarialOptions() : null,
                LogEvery = 100, CheckpointEvery = 1000, PlotEvery = 1000, Threads = Environment.ProcessorCount,
            };
            // Warm-up run of 2 steps, then the timed run.
            new Trainer(task, new SyntheticBatches(size, batch, 2), null, options with { MaxSteps = 2, OutputDirectory = dir + "-warm" }, new SilentProgress()).Run();
            var sw = Stopwatch.StartNew();
            new Trainer(task, new SyntheticBatches(size, batch, steps), null, options, new SilentProgress()).Run();
            double s = sw.Elapsed.TotalSeconds;
            table.AddRow($"{size}²", adversarial ? "LSGAN 0.01" : "none", $"{batch}", $"{steps}", $"{steps * batch / s:F1}", $"{s / (steps * batch) * 1000:F0}");
            task.Model.Dispose();
            try { Directory.Delete(dir, true); Directory.Delete(dir + "-warm", true); } catch (IOException) { }
        }
        AnsiConsole.Write(table);
    }

    sealed class SilentProgress : ITrainingProgress
    {
        public void Report(TrainingStatus status) { }
        public void Validated(ValidationSummary result) { }
        public void Message(string line) { }
    }
}
