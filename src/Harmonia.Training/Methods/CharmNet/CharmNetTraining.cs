using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.CharmNet;
using Harmonia.Models.Weights;
using Harmonia.Training.Data;

namespace Harmonia.Training.Methods.CharmNet;

/// <summary>
/// <c>harmonia train charmnet</c>: the real domain is the trainer's <c>--data</c> (synthetic pairs from photos), the
/// rendered domain <c>--rendered</c> (a set from <c>harmonia dataset render</c>). <c>--setup</c> picks the row of the
/// novel-category experiment: real-only, naive, no-style, charmnet. Official training: Adam, lr 1e-4, betas (0.9, 0.999).
/// </summary>
public static class CharmNetTraining
{
    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        CharmNetMethod.Name,
        "CharmNet (BMVC'22): domain-specific encoders/decoders around a shared iDIH stage, trained on real pairs (--data) and rendered RdHarmony pairs (--rendered), with a domain discriminator and style classifiers. CharmNet runs its own discriminator (the trainer's --adv options do not apply).",
        [
            new MethodSetting("rendered", "RdHarmony set from 'harmonia dataset render' (training split and samples.jsonl style labels); needed unless --setup real-only", ""),
            new MethodSetting("setup", "real-only (iDIH on real pairs), naive (real + rendered in one iDIH), no-style (CharmNet without style losses) or charmnet", "charmnet"),
            new MethodSetting("width", "iDIH's ngf: channels of the first level (official 64)", "32"),
            new MethodSetting("classifier-width", "style classifiers' first width (official ndf 64)", "64"),
            new MethodSetting("rec-weight", "weight of each domain's foreground-normalized MSE (official 10)", "10"),
            new MethodSetting("adv-weight", "weight of the rendered encoder's adversarial loss (official 1)", "1"),
            new MethodSetting("style-weight", "weight of SC1 and SC2 cross-entropies on rendered images (official 1)", "1"),
            new MethodSetting("real-ce-weight", "weight of the style aggregation cross-entropy on real images (official 0.5)", "0.5"),
            new MethodSetting("real-le-weight", "weight of the entropy reduction on real images (official 0.5)", "0.5"),
            new MethodSetting("margin", "lambda_m, the entropy reduction's margin (official 1)", "1"),
            new MethodSetting("disc-lr", "Adam learning rate of the domain discriminator", "1e-4"),
            new MethodSetting("disc-width", "domain discriminator width (official ndf 64)", "64"),
            new MethodSetting("init", "weights (.safetensors) to start from", ""),
        ],
        context => Create(context.Settings, context.Size, context.Seed, context.OutputDirectory, context.BatchSize),
        OwnsAdversary: true);

    /// <summary>Builds the task from settings (usage errors for bad values and missing data).</summary>
    public static CharmNetTrainingTask Create(MethodSettings settings, int size, int seed, string? outputDirectory, int batchSize = 8)
    {
        var setup = settings.GetString("setup", "charmnet") switch
        {
            "real-only" => CharmNetSetup.RealOnly,
            "naive" => CharmNetSetup.Naive,
            "no-style" => CharmNetSetup.NoStyle,
            "charmnet" => CharmNetSetup.CharmNet,
            var s => throw new UsageException($"--setup must be real-only, naive, no-style or charmnet, not '{s}'."),
        };
        var config = CharmNetConfig.FromSettings(settings);
        if (size % config.SizeMultiple != 0)
            throw new UsageException($"--size must be a multiple of {config.SizeMultiple} for CharmNet (seven stride-2 levels), got {size}.");
        var options = new CharmNetTrainingOptions(setup,
            ReconstructionWeight: settings.GetDouble("rec-weight", 10, 0, 1000),
            AdversarialWeight: settings.GetDouble("adv-weight", 1, 0, 100),
            RenderedStyleWeight: settings.GetDouble("style-weight", 1, 0, 100),
            RealCrossEntropyWeight: settings.GetDouble("real-ce-weight", 0.5, 0, 100),
            RealEntropyWeight: settings.GetDouble("real-le-weight", 0.5, 0, 100),
            Margin: settings.GetDouble("margin", 1, 0, 100),
            DiscriminatorLearningRate: settings.GetDouble("disc-lr", 1e-4, 0, 1),
            DiscriminatorWidth: settings.GetInt("disc-width", 64, 2, 512),
            StateFile: outputDirectory is null ? null : Path.Combine(outputDirectory, "charmnet-discriminator.safetensors"));
        RenderedStream? rendered = null;
        if (setup != CharmNetSetup.RealOnly)
        {
            var root = settings.GetString("rendered", "");
            if (string.IsNullOrEmpty(root)) throw new UsageException($"--setup {settings.GetString("setup", "charmnet")} needs --rendered DIR (a set from 'harmonia dataset render').");
            if (!Directory.Exists(root)) throw new UsageException($"--rendered: folder '{root}' does not exist.");
            rendered = new RenderedStream(root, config.Styles, new LoaderOptions { BatchSize = batchSize, Size = size, Seed = seed ^ 0x52_44, Workers = 1 });
        }
        if (outputDirectory is not null) Directory.CreateDirectory(outputDirectory);
        var model = new CharmNetModel(config);
        try
        {
            var init = settings.GetString("init", "");
            if (!string.IsNullOrEmpty(init))
            {
                if (!File.Exists(init)) throw new UsageException($"--init: file '{init}' does not exist.");
                StateDictIO.Load(model, init);
            }
            return new CharmNetTrainingTask(model, options, rendered) { TrainSize = size };
        }
        catch
        {
            model.Dispose();
            rendered?.Dispose();
            throw;
        }
    }
}
