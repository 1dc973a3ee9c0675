using System.CommandLine;
using System.Globalization;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Training.Methods.S2CRNet;
using Spectre.Console;
using TorchSharp;

namespace Harmonia.Cli.Commands.Train;

/// <summary>
/// <c>harmonia train s2crnet-cached</c>: S²CRNet with a frozen encoder, trained from a feature cache (encoder run once
/// per sample, then many cheap epochs of the curve heads).
/// </summary>
public static class TrainCachedCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Dataset root (iHarmony4 layout with ground truth).", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "Output folder: generator.safetensors (last), best.safetensors (lowest validation fMSE), log.csv.", Required = true };
        var cache = new Option<string?>("--cache") { Description = "Feature cache folder (default: <data>/.cache/<configuration>); reused when it matches, resumable." };
        var valData = new Option<string?>("--val-data") { Description = "Validation dataset root (default: --data), e.g. another dataset's test split for comparisons." };
        var valCache = new Option<string?>("--val-cache") { Description = "Feature cache folder of the validation samples (default: inside --cache); share it between runs that validate alike." };
        var extraData = new Option<string[]>("--extra-data") { Description = "More training datasets (iHarmony4 layout; their --train-split samples join --data's), e.g. identity pairs; each is cached under --cache/extra-<folder name>.", AllowMultipleArgumentsPerToken = false };
        var extraRepeat = new Option<int>("--extra-repeat") { Description = "Times each --extra-data sample appears per epoch (weights the extra data against --data).", DefaultValueFactory = _ => 1 };
        var trainSplit = new Option<string>("--train-split") { Description = "Split list used for training.", DefaultValueFactory = _ => "train" };
        var valSplit = new Option<string>("--val-split") { Description = "Split list used for validation and the choice of best.safetensors.", DefaultValueFactory = _ => "test" };
        var limit = new Option<int>("--limit") { Description = "Use at most N training samples (0 = all; a seeded random subset).", DefaultValueFactory = _ => 0 };
        var valLimit = new Option<int>("--val-limit") { Description = "Validate on at most N samples (0 = all; a seeded random subset).", DefaultValueFactory = _ => 0 };
        var backbone = new Option<string>("--backbone") { Description = "Encoder: resnet18 (ImageNet, Harmonia's variant) or squeezenet (with --init-backbone).", DefaultValueFactory = _ => "resnet18" };
        var init = new Option<string?>("--init-backbone") { Description = "ONNX file of the encoder (squeezenet: the Caffe SqueezeNet 1.1; resnet18: default the restored ResNet18.onnx)." };
        var size = new Option<int>("--size") { Description = "Thumbnail side S of the encoder inputs.", DefaultValueFactory = _ => 256 };
        var sourceSide = new Option<int>("--source-side") { Description = char.ToUpperInvariant(S2CRNetConfig.SourceSideTrainingHelp[0]) + S2CRNetConfig.SourceSideTrainingHelp[1..] + ".", DefaultValueFactory = _ => 0 };
        var pyramid = new Option<bool>("--pyramid") { Description = "resnet18: pooled features of all four stages (960) instead of the last (512)." };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of each curve head (0 = the official linear heads).", DefaultValueFactory = _ => 0 };
        var colorStats = new Option<bool>("--color-stats") { Description = "Append colour statistics (per-channel mean, std, 8-bin histogram) of each input to its features." };
        var stages = new Option<int>("--stages") { Description = "Cascaded curve stages.", DefaultValueFactory = _ => 2 };
        var semantic = new Option<bool>("--semantic") { Description = "Semantic heads (semantic-labels.txt of the dataset)." };
        var pixels = new Option<int>("--pixels") { Description = "Foreground pixels sampled per image for the loss.", DefaultValueFactory = _ => 2048 };
        var epochs = new Option<int>("--epochs") { Description = "Epochs over the cache.", DefaultValueFactory = _ => 30 };
        var steps = new Option<long?>("--steps") { Description = "Train exactly this many steps (overrides --epochs; for comparisons at equal steps)." };
        var dropout = new Option<double>("--feature-dropout") { Description = "Dropout on the cached features while training (0..0.9).", DefaultValueFactory = _ => 0 };
        var harm = new Option<double>("--harm-weight") { Description = "Weight of a do-no-harm term (Harmonia's, not the paper's): per sample max(0, relative L1 of the output - relative L1 of the composite), so making a composite worse costs more; 0 = off.", DefaultValueFactory = _ => 0 };
        var batch = new Option<int>("--batch-size", "-b") { Description = "Samples per step.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "AdamW peak learning rate (cosine decay).", DefaultValueFactory = _ => 1e-3 };
        var wd = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => 1e-4 };
        var seed = new Option<int>("--seed") { Description = "Seed of initialization, subset, pixel sampling and order.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "TorchSharp threads.", DefaultValueFactory = _ => 2 };
        var command = new Command("s2crnet-cached", "S2CRNet with a frozen encoder: cache pooled fg/bg features and foreground pixels once, then train the curve heads for many epochs.");
        foreach (var o in new Option[] { data, extraData, extraRepeat, output, cache, valData, valCache, trainSplit, valSplit, limit, valLimit, backbone, init, size, sourceSide, pyramid, hidden, colorStats, stages, semantic, pixels, epochs, steps, dropout, harm, batch, lr, wd, seed, threads })
            command.Options.Add(o);
        command.SetAction(p =>
        {
            TorchRuntime.EnsureAvailable();
            NativeHeap.RetainFreedMemory();
            torch.set_num_threads(Math.Max(1, p.GetValue(threads)));
            torch.manual_seed(p.GetValue(seed));
            var root = p.GetValue(data)!;
            if (!IHarmony4Layout.IsLayout(root)) throw new UsageException($"'{root}' is not an iHarmony4-layout dataset.");
            var settings = MethodSettings.From([
                new("backbone", p.GetValue(backbone)!), new("init-backbone", p.GetValue(init) ?? ""),
                new("pyramid", p.GetValue(pyramid) ? "true" : "false"), new("color-stats", p.GetValue(colorStats) ? "true" : "false"), new("hidden", p.GetValue(hidden).ToString(CultureInfo.InvariantCulture)),
                new("stages", p.GetValue(stages).ToString(CultureInfo.InvariantCulture)), new("semantic", p.GetValue(semantic) ? "true" : "false"),
                new("source-side", p.GetValue(sourceSide).ToString(CultureInfo.InvariantCulture)),
            ]);
            var task = S2CRNetTraining.Create(settings, p.GetValue(size));
            var model = task.Model;
            int k = p.GetValue(pixels);
            if (k < 16 || k > 65536) throw new UsageException("--pixels must be in 16..65536.");
            double featureDropout = p.GetValue(dropout), harmWeight = p.GetValue(harm);
            if (!(featureDropout >= 0 && featureDropout <= 0.9)) throw new UsageException("--feature-dropout must be in 0..0.9.");
            if (!(harmWeight >= 0 && harmWeight <= 1e6)) throw new UsageException("--harm-weight must be in 0..1e6.");
            var folder = p.GetValue(cache) ?? Path.Combine(root, ".cache", CurveFeatureCache.Key(model.Config, k).Replace('|', '_').Replace('=', '-'));
            var labels = SemanticLabels.Read(root);
            int max = p.GetValue(limit), maxVal = p.GetValue(valLimit);
            var trainSamples = Subset(IHarmony4Layout.Read(root, p.GetValue(trainSplit)), max, p.GetValue(seed));
            var valRoot = p.GetValue(valData) ?? root;
            if (!IHarmony4Layout.IsLayout(valRoot)) throw new UsageException($"'{valRoot}' is not an iHarmony4-layout dataset.");
            var valSamples = Subset(IHarmony4Layout.Read(valRoot, p.GetValue(valSplit)), maxVal, p.GetValue(seed));
            var valFolder = p.GetValue(valCache);
            var extras = p.GetValue(extraData) ?? [];
            int repeat = p.GetValue(extraRepeat);
            if (repeat < 1 || repeat > 100) throw new UsageException("--extra-repeat must be in 1..100.");
            foreach (var extraRoot in extras)
                if (!IHarmony4Layout.IsLayout(extraRoot)) throw new UsageException($"'{extraRoot}' is not an iHarmony4-layout dataset.");
            string Limited(string name, int n) => name + (n > 0 ? $"-limit{n}-seed{p.GetValue(seed)}" : "");
            CurveFeatureCache Load(string name, IReadOnlyList<HarmonizationSample> samples, string place, IReadOnlyDictionary<string, SemanticClass> sampleLabels) =>
                AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var bar = ctx.AddTask($"features ({name}, {samples.Count})", maxValue: samples.Count);
                        return CurveFeatureCache.Build(model, samples, sampleLabels, place, k, p.GetValue(seed), (done, _) => bar.Value = done);
                    });
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var train = Load("train", trainSamples, Path.Combine(folder, Limited("train", max)), labels);
            if (extras.Length > 0)
            {
                var parts = new List<CurveFeatureCache> { train };
                foreach (var extraRoot in extras)
                {
                    var name = "extra-" + Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(extraRoot)));
                    var extra = Load(name, IHarmony4Layout.Read(extraRoot, p.GetValue(trainSplit)), Path.Combine(folder, name), SemanticLabels.Read(extraRoot));
                    parts.AddRange(Enumerable.Repeat(extra, repeat));
                }
                train = CurveFeatureCache.Concat(parts);
                foreach (var part in parts.Distinct()) part.Dispose();
            }
            var val = Load("val", valSamples, valFolder ?? Path.Combine(folder, Limited("val", maxVal)), SemanticLabels.Read(valRoot));
            Console.WriteLine($"Feature cache ready: {train.Count} train, {val.Count} validation samples in {watch.Elapsed.TotalSeconds:F0} s ({folder}).");
            var options = new CachedHeadOptions(p.GetValue(output)!, p.GetValue(epochs), p.GetValue(batch), p.GetValue(lr), p.GetValue(wd), p.GetValue(seed), p.GetValue(steps), featureDropout, harmWeight);
            var rows = CachedCurveHeadTrainer.Train(model, train, val, options,
                row => Console.WriteLine($"epoch {row.Epoch,3}  steps {row.Steps,6}  loss {row.TrainLoss:F4}  val fMSE {row.ValidationFmse:F1} (composite {row.CompositeFmse:F1})  {row.Seconds:F0} s"));
            var best = rows.MinBy(r => r.ValidationFmse)!;
            Console.WriteLine($"Best epoch {best.Epoch}: sampled val fMSE {best.ValidationFmse:F1} (composite {best.CompositeFmse:F1}). Weights: {Path.Combine(options.OutputDirectory, "best.safetensors")}");
            return 0;
        });
        return command;
    }

    /// <summary>At most <paramref name="max"/> samples (0 = all), a seeded random subset kept in dataset order.</summary>
    static List<HarmonizationSample> Subset(IReadOnlyList<HarmonizationSample> samples, int max, int seed)
    {
        if (max <= 0 || max >= samples.Count) return samples.ToList();
        var rng = new Random(seed);
        var chosen = samples.Select((s, i) => (s, i)).OrderBy(_ => rng.Next()).Take(max).OrderBy(t => t.i).Select(t => t.s).ToList();
        return chosen;
    }
}
