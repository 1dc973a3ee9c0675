using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Training.Data;
using Harmonia.Training.Loop;
using Harmonia.Training.Optimization;

namespace Harmonia.Cli.Commands.Train;

/// <summary>
/// The options every <c>harmonia train &lt;method&gt;</c> subcommand shares (data, output, schedule, adversarial
/// step, checkpoints), and their translation into <see cref="TrainerOptions"/> and loaders.
/// </summary>
internal sealed class TrainCommonOptions
{
    public readonly Option<string> Data = new("--data") { Description = "Training dataset root (iHarmony4 layout).", Required = true };
    public readonly Option<string> Out = new("--out", "-o") { Description = "Output folder: checkpoint-last.safetensors, generator.safetensors, best.safetensors, log.csv, val.csv, loss.png.", Required = true };
    public readonly Option<string?> ValData = new("--val-data") { Description = "Validation dataset root (default: --data)." };
    public readonly Option<string> TrainSplit = new("--train-split") { Description = "Split list used for training (<Subset>_<split>.txt; 'all' = every composite).", DefaultValueFactory = _ => "train" };
    public readonly Option<string> ValSplit = new("--val-split") { Description = "Split list used for validation.", DefaultValueFactory = _ => "test" };
    public readonly Option<int> Epochs = new("--epochs") { Description = "Epochs.", DefaultValueFactory = _ => 20 };
    public readonly Option<long?> Steps = new("--steps") { Description = "Stop after this many steps in total (overrides --epochs when smaller)." };
    public readonly Option<int> BatchSize = new("--batch-size", "-b") { Description = "Batch size.", DefaultValueFactory = _ => 8 };
    public readonly Option<int> Size = new("--size") { Description = "Training size in pixels: the square side (with --geometry fit, the long side before padding to a square).", DefaultValueFactory = _ => 256 };
    public readonly Option<string> Geometry = new("--geometry") { Description = "crop: short side to --size then random crop (keeps aspect); resize: plain resize to size x size; fit: as pixel networks see images at inference (long side to --size, edge-replicated padding to size x size, padding is background).", DefaultValueFactory = _ => "crop" };
    public readonly Option<double> MaxScale = new("--max-scale") { Description = "Random zoom up to this factor before cropping (1 = none).", DefaultValueFactory = _ => 1.0 };
    public readonly Option<double> SceneLook = new("--scene-look") { Description = "Chance (0-1) that a training sample is re-toned by one random global white balance (temperature ±0.35, tint ±0.15) and exposure (±0.5 EV), so scenes are not all lit neutrally; what it re-tones: --scene-look-scope (0 = off).", DefaultValueFactory = _ => 0.0 };
    public readonly Option<string> SceneLookScope = new("--scene-look-scope") { Description = "What --scene-look re-tones: whole (composite and real alike, the pasted foreground included) or scene (the real photo and the composite's background only, so the network must carry the scene's look into the foreground).", DefaultValueFactory = _ => "whole" };
    public readonly Option<double> Lr = new("--lr") { Description = "Generator learning rate.", DefaultValueFactory = _ => 2e-4 };
    public readonly Option<double> WeightDecay = new("--weight-decay") { Description = "Generator weight decay.", DefaultValueFactory = _ => 1e-2 };
    public readonly Option<string> Optimizer = new("--optimizer") { Description = "Generator optimizer: " + string.Join(", ", OptimizerRegistry.CreateDefault().Names) + ".", DefaultValueFactory = _ => OptimizerRegistry.AdamW };
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
        Data, Out, ValData, TrainSplit, ValSplit, Epochs, Steps, BatchSize, Size, Geometry, MaxScale, SceneLook, SceneLookScope, Lr, WeightDecay, Optimizer,
        Schedule, Warmup, GradClip, AdvWeight, DLr, DChannels, DEvery, DSize, NoAdv, ValEvery, ValLimit, CheckpointEvery, LogEvery, Resume, Overwrite, Seed, Threads, Workers,
    ];

    /// <summary>The trainer's options from the parsed command line (usage errors for bad values).</summary>
    public TrainerOptions TrainerOptions(ParseResult p)
    {
        var schedule = p.GetValue(Schedule) switch
        {
            "constant" => LearningRateSchedule.Constant,
            "cosine" => LearningRateSchedule.Cosine,
            var s => throw new UsageException($"--schedule must be constant or cosine, not '{s}'."),
        };
        OptimizerRegistry.CreateDefault().Get(p.GetValue(Optimizer)!); // an unknown name is a usage error before any work
        var options = new TrainerOptions
        {
            OutputDirectory = p.GetValue(Out)!,
            Epochs = p.GetValue(Epochs),
            MaxSteps = p.GetValue(Steps),
            Optimizer = p.GetValue(Optimizer)!,
            OptimizerSettings = new OptimizerSettings(p.GetValue(Lr), p.GetValue(WeightDecay)),
            Schedule = schedule,
            WarmupSteps = p.GetValue(Warmup),
            GradientClip = p.GetValue(GradClip),
            Adversarial = p.GetValue(NoAdv) ? null : new AdversarialOptions(p.GetValue(AdvWeight), p.GetValue(DLr), p.GetValue(DChannels), p.GetValue(DEvery), p.GetValue(DSize)),
            ValidateEvery = p.GetValue(ValEvery),
            CheckpointEvery = p.GetValue(CheckpointEvery),
            LogEvery = p.GetValue(LogEvery),
            Seed = p.GetValue(Seed),
            Threads = p.GetValue(Threads),
            Resume = p.GetValue(Resume),
            Overwrite = p.GetValue(Overwrite),
        };
        try { options.Validate(); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        return options;
    }

    /// <summary>Opens the training and validation loaders (usage errors for bad values or datasets).</summary>
    public (HarmonizationLoader Train, HarmonizationLoader Validation) OpenLoaders(ParseResult p)
    {
        var geometry = p.GetValue(Geometry) switch
        {
            "crop" => LoaderGeometry.ShortSideCrop,
            "resize" => LoaderGeometry.Resize,
            "fit" => LoaderGeometry.LongSideFit,
            var g => throw new UsageException($"--geometry must be crop, resize or fit, not '{g}'."),
        };
        var scope = p.GetValue(SceneLookScope) switch
        {
            "whole" => Harmonia.Training.Data.SceneLookScope.Whole,
            "scene" => Harmonia.Training.Data.SceneLookScope.Scene,
            var v => throw new UsageException($"--scene-look-scope must be whole or scene, not '{v}'."),
        };
        string? Split(string s) => s == "all" ? null : s;
        int size = p.GetValue(Size), valLimit = p.GetValue(ValLimit);
        try
        {
            var loaderOptions = new LoaderOptions
            {
                BatchSize = p.GetValue(BatchSize), Size = size, Geometry = geometry, MaxScale = p.GetValue(MaxScale),
                SceneLook = p.GetValue(SceneLook) is var look && look != 0 ? new SceneLookOptions { Probability = look, Scope = scope } : null,
                Seed = p.GetValue(Seed), Workers = p.GetValue(Workers),
            };
            var data = p.GetValue(Data)!;
            var train = HarmonizationLoader.Open(data, Split(p.GetValue(TrainSplit)!), loaderOptions);
            var validation = HarmonizationLoader.Open(p.GetValue(ValData) ?? data, Split(p.GetValue(ValSplit)!),
                LoaderOptions.Validation(size, p.GetValue(BatchSize), geometry) with { Limit = valLimit > 0 ? valLimit : null, Workers = p.GetValue(Workers) });
            return (train, validation);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
