using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;
using Harmonia.Training.Data;
using Harmonia.Training.Loop;
using Harmonia.Training.Methods;
using Harmonia.Training.Optimization;
using Spectre.Console;
using TorchSharp;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia train &lt;method&gt; --data DIR --out DIR [...]</c>: trains a registered method
/// (<see cref="TrainableMethods"/>) with the generic trainer. Each method is a subcommand carrying the common
/// options plus its own (<see cref="TrainableMethod.Options"/>). Ctrl+C stops after the current step with a checkpoint.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command with one subcommand per trainable method.</summary>
    public static Command Create()
    {
        var command = new Command("train", "Train a learned method on an iHarmony4-layout dataset (checkpoints, logs, plots, resume).");
        foreach (var method in TrainableMethods.CreateDefault().All) command.Subcommands.Add(CreateMethodCommand(method));
        command.Subcommands.Add(TrainCachedCommand.Create());
        return command;
    }

    sealed class Common
    {
        public readonly Option<string> Data = new("--data") { Description = "Training dataset root (iHarmony4 layout).", Required = true };
        public readonly Option<string> Out = new("--out", "-o") { Description = "Output folder: checkpoint-last.safetensors, generator.safetensors, best.safetensors, log.csv, val.csv, loss.png.", Required = true };
        public readonly Option<string?> ValData = new("--val-data") { Description = "Validation dataset root (default: --data)." };
        public readonly Option<string> TrainSplit = new("--train-split") { Description = "Split list used for training (<Subset>_<split>.txt; 'all' = every composite).", DefaultValueFactory = _ => "train" };
        public readonly Option<string> ValSplit = new("--val-split") { Description = "Split list used for validation.", DefaultValueFactory = _ => "test" };
        public readonly Option<int> Epochs = new("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 20 };
        public readonly Option<long?> Steps = new("--steps") { Description = "Stop after this many steps in total (overrides --epochs when smaller)." };
        public readonly Option<int> BatchSize = new("--batch-size", "-b") { Description = "Batch size.", DefaultValueFactory = _ => 8 };
        public readonly Option<int> Size = new("--size") { Description = "Training crop size in pixels.", DefaultValueFactory = _ => 256 };
        public readonly Option<string> Geometry = new("--geometry") { Description = "crop: short side to --size then random crop (keeps aspect); resize: plain resize to size x size.", DefaultValueFactory = _ => "crop" };
        public readonly Option<double> MaxScale = new("--max-scale") { Description = "Random zoom up to this factor before cropping (1 = none).", DefaultValueFactory = _ => 1.0 };
        public readonly Option<double> Lr = new("--lr") { Description = "Generator learning rate.", DefaultValueFactory = _ => 2e-4 };
        public readonly Option<double> WeightDecay = new("--weight-decay") { Description = "Generator weight decay.", DefaultValueFactory = _ => 1e-2 };
        public readonly Option<string> Optimizer = new("--optimizer") { Description = "Generator optimizer: " + string.Join(", ", OptimizerRegistry.CreateDefault().Names) + ".", DefaultValueFactory = _ => "adamw" };
        public readonly Option<string> Schedule = new("--schedule") { Description = "Learning-rate schedule: constant or cosine.", DefaultValueFactory = _ => "constant" };
        public readonly Option<int> Warmup = new("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => 0 };
        public readonly Option<double?> GradClip = new("--grad-clip") { Description = "Clip the generator's gradient norm." };
        public readonly Option<double> AdvWeight = new("--adv-weight") { Description = "LSGAN generator loss weight (S²CRNet code: 0.01; paper: 1).", DefaultValueFactory = _ => 0.01 };
        public readonly Option<double> DLr = new("--d-lr") { Description = "Discriminator RMSprop learning rate (2e-4 proved unstable in the first steps).", DefaultValueFactory = _ => 1e-5 };
        public readonly Option<int> DChannels = new("--d-channels") { Description = "Discriminator width (first block; S²CRNet: 64). Cost grows with its square.", DefaultValueFactory = _ => 64 };
        public readonly Option<int> DEvery = new("--d-every") { Description = "Adversarial step every N generator steps.", DefaultValueFactory = _ => 1 };
        public readonly Option<int?> DSize = new("--d-size") { Description = "Downsample images to this size before the discriminator (default: training size)." };
        public readonly Option<bool> NoAdv = new("--no-adv") { Description = "Train without the discriminator." };
        public readonly Option<int> ValEvery = new("--val-every") { Description = "Validate every N steps (0 = each epoch end).", DefaultValueFactory = _ => 0 };
        public readonly Option<int> ValLimit = new("--val-limit") { Description = "Validate on at most N images (0 = all).", DefaultValueFactory = _ => 500 };
        public readonly Option<int> CheckpointEvery = new("--checkpoint-every") { Description = "Write checkpoint-last every N steps.", DefaultValueFactory = _ => 500 };
        public readonly Option<int> LogEvery = new("--log-every") { Description = "Average losses over N steps per log row.", DefaultValueFactory = _ => 20 };
        public readonly Option<bool> Resume = new("--resume") { Description = "Continue from checkpoint-last in --out." };
        public readonly Option<bool> Overwrite = new("--overwrite") { Description = "Start over even if --out holds a run." };
        public readonly Option<int> Seed = new("--seed") { Description = "Seed of initialization, data order and augmentation.", DefaultValueFactory = _ => 0 };
        public readonly Option<int> Threads = new("--threads") { Description = "TorchSharp threads.", DefaultValueFactory = _ => 2 };
        public readonly Option<int> Workers = new("--workers") { Description = "Loader threads decoding batches in the background.", DefaultValueFactory = _ => 2 };

        public IEnumerable<Option> All =>
        [
            Data, Out, ValData, TrainSplit, ValSplit, Epochs, Steps, BatchSize, Size, Geometry, MaxScale, Lr, WeightDecay, Optimizer,
            Schedule, Warmup, GradClip, AdvWeight, DLr, DChannels, DEvery, DSize, NoAdv, ValEvery, ValLimit, CheckpointEvery, LogEvery, Resume, Overwrite, Seed, Threads, Workers,
        ];
    }

    static Command CreateMethodCommand(TrainableMethod method)
    {
        var command = new Command(method.Name, method.Description);
        var common = new Common();
        foreach (var o in common.All) command.Options.Add(o);
        var own = new List<(MethodSetting Setting, Option Option)>();
        foreach (var s in method.Options)
        {
            Option option = s.Default is "true" or "false"
                ? new Option<bool>("--" + s.Key) { Description = s.Description, DefaultValueFactory = _ => s.Default == "true" }
                : new Option<string?>("--" + s.Key) { Description = s.Default.Length > 0 ? $"{s.Description} (default {s.Default})." : s.Description };
            command.Options.Add(option);
            own.Add((s, option));
        }
        command.SetAction(parsed =>
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (setting, option) in own)
            {
                string? value = option is Option<bool> flag ? (parsed.GetValue(flag) ? "true" : "false") : parsed.GetValue((Option<string?>)option);
                if (value is not null) pairs.Add(new(setting.Key, value));
            }
            return Run(method, common, parsed, MethodSettings.From(pairs));
        });
        return command;
    }

    static int Run(TrainableMethod method, Common c, ParseResult p, MethodSettings settings)
    {
        TorchRuntime.EnsureAvailable();
        NativeHeap.RetainFreedMemory();
        var data = p.GetValue(c.Data)!;
        var output = p.GetValue(c.Out)!;
        int seed = p.GetValue(c.Seed), size = p.GetValue(c.Size);
        var geometry = p.GetValue(c.Geometry) switch
        {
            "crop" => LoaderGeometry.ShortSideCrop,
            "resize" => LoaderGeometry.Resize,
            var g => throw new UsageException($"--geometry must be crop or resize, not '{g}'."),
        };
        var schedule = p.GetValue(c.Schedule) switch
        {
            "constant" => LearningRateSchedule.Constant,
            "cosine" => LearningRateSchedule.Cosine,
            var s => throw new UsageException($"--schedule must be constant or cosine, not '{s}'."),
        };
        var optimizers = OptimizerRegistry.CreateDefault();
        if (!optimizers.Names.Contains(p.GetValue(c.Optimizer)!, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"Unknown optimizer '{p.GetValue(c.Optimizer)}' (known: {string.Join(", ", optimizers.Names)}).");
        string? Split(string s) => s == "all" ? null : s;

        HarmonizationLoader train, validation;
        var valLimit = p.GetValue(c.ValLimit);
        try
        {
            var loaderOptions = new LoaderOptions
            {
                BatchSize = p.GetValue(c.BatchSize), Size = size, Geometry = geometry, MaxScale = p.GetValue(c.MaxScale),
                Seed = seed, Workers = p.GetValue(c.Workers),
            };
            train = HarmonizationLoader.Open(data, Split(p.GetValue(c.TrainSplit)!), loaderOptions);
            validation = HarmonizationLoader.Open(p.GetValue(c.ValData) ?? data, Split(p.GetValue(c.ValSplit)!),
                LoaderOptions.Validation(size, p.GetValue(c.BatchSize), geometry) with { Limit = valLimit > 0 ? valLimit : null, Workers = p.GetValue(c.Workers) });
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        var options = new TrainerOptions
        {
            OutputDirectory = output,
            Epochs = p.GetValue(c.Epochs),
            MaxSteps = p.GetValue(c.Steps),
            Optimizer = p.GetValue(c.Optimizer)!,
            OptimizerSettings = new OptimizerSettings(p.GetValue(c.Lr), p.GetValue(c.WeightDecay)),
            Schedule = schedule,
            WarmupSteps = p.GetValue(c.Warmup),
            GradientClip = p.GetValue(c.GradClip),
            Adversarial = p.GetValue(c.NoAdv) ? null : new AdversarialOptions(p.GetValue(c.AdvWeight), p.GetValue(c.DLr), p.GetValue(c.DChannels), p.GetValue(c.DEvery), p.GetValue(c.DSize)),
            ValidateEvery = p.GetValue(c.ValEvery),
            CheckpointEvery = p.GetValue(c.CheckpointEvery),
            LogEvery = p.GetValue(c.LogEvery),
            Seed = seed,
            Threads = p.GetValue(c.Threads),
            Resume = p.GetValue(c.Resume),
            Overwrite = p.GetValue(c.Overwrite),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        if (options.Adversarial is { } adv && (adv.InputSize ?? size) < TrainerOptions.PatchDiscriminatorMinimumSize)
            throw new UsageException($"The discriminator needs images of at least {TrainerOptions.PatchDiscriminatorMinimumSize} px (--size or --d-size), or pass --no-adv.");

        torch.set_num_threads(options.Threads);
        torch.manual_seed(seed);
        var task = method.Factory(new TrainingContext(settings, data, size, seed, output));

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C kills the process
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var header = $"Training {method.Name}: {train.SampleCount} training images ({train.BatchesPerEpoch} steps/epoch), " +
                         $"{validation.SampleCount} validation images, size {size}, batch {train.Options.BatchSize}, " +
                         $"{options.Optimizer} lr {options.OptimizerSettings.LearningRate:g3}, adversarial {(options.Adversarial is { } a ? $"weight {a.Weight:g3}" : "off")} -> {output}";
            TrainingResult result;
            if (Console.IsOutputRedirected)
            {
                Console.WriteLine(header);
                result = new Trainer(task, train, validation, options, new LineProgress(Console.Out), optimizers).Run(cancel.Token);
            }
            else
            {
                AnsiConsole.WriteLine(header);
                result = AnsiConsole.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var bar = ctx.AddTask(method.Name, maxValue: 1);
                        return new Trainer(task, train, validation, options, new SpectreProgress(bar), optimizers).Run(cancel.Token);
                    });
            }
            Console.WriteLine($"{(result.Stopped ? "Stopped" : "Done")} after {result.Steps} steps. Weights: {result.WeightsPath}" +
                              (result.BestWeightsPath is { } b ? $"; best (val fMSE): {b}" : "") +
                              (result.LastValidation is { } v ? $"; last validation MSE {v.Mse:0.00} fMSE {v.ForegroundMse:0.00} PSNR {v.Psnr:0.00} dB" : ""));
            return result.Stopped ? 130 : 0;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Drives a Spectre progress task; validations and messages print as lines above the bar.</summary>
    sealed class SpectreProgress(ProgressTask bar) : ITrainingProgress
    {
        public void Report(TrainingStatus s)
        {
            if (s.TotalSteps is { } total) bar.MaxValue = total;
            else bar.IsIndeterminate = true;
            bar.Value = s.Step;
            if (s.IsLogRow || s.Step < 3)
            {
                var loss = s.Terms.TryGetValue("loss", out var l) ? $" loss {l:0.####}" : "";
                bar.Description = Markup.Escape($"ep {s.Epoch + 1}/{s.Epochs} step {s.Step}{loss} {s.SamplesPerSecond:0.0} img/s");
            }
        }

        public void Validated(ValidationSummary r) =>
            AnsiConsole.WriteLine($"validation step {r.Step}: MSE {r.Mse:0.00} fMSE {r.ForegroundMse:0.00} PSNR {r.Psnr:0.00} dB on {r.Samples} images{(r.IsBest ? " (best)" : "")}");

        public void Message(string line) => AnsiConsole.WriteLine(line);
    }
}
