using Harmonia.Core.Methods;
using Harmonia.Models.PIH;

namespace Harmonia.Training.Methods.PIH;

/// <summary>
/// <c>harmonia train pih</c>: options of PIH's dual-stream training (the trainer adds --data, --out, --steps, …; it adds
/// no discriminator of its own: PIH runs its own per-pixel one).
/// </summary>
public static class PIHTraining
{
    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        PIHMethod.Name,
        "PIH (CVPR'23): curves + shading map; each step the supervised stream (synthetic pairs, 0.92 L1 + 0.08 adversarial) or, with probability --unsupervised-ratio, real composites (adversarial only). PIH runs its own per-pixel discriminator (the trainer's --adv options do not apply).",
        [
            new MethodSetting("unsupervised-ratio", "probability of the unsupervised stream per step (official reconratio; 0 = supervised only)", "0.5"),
            new MethodSetting("l1-weight", "supervised loss w*L1 + (1-w)*adversarial", "0.92"),
            new MethodSetting("unsup-adv-weight", "weight of the unsupervised stream's adversarial loss", "1"),
            new MethodSetting("disc-lr", "Adam learning rate of PIH's discriminator", "1e-4"),
            new MethodSetting("disc-channels", "width of PIH's discriminator", "16"),
            new MethodSetting("real-composites", "Lalonde-Efros folder (composites/, composite-masks/, photos/ as backgrounds)", "../shared/data/lalonde-efros"),
            new MethodSetting("persons", "ccp-persons folder (photos/, masks/) pasted onto backgrounds; 'none' to skip", "../shared/data/ccp-persons"),
            new MethodSetting("nodes", "curve nodes per channel", "32"),
            new MethodSetting("input-size", "side of the curve net's fg/bg thumbnails", "128"),
            new MethodSetting("gain-size", "side of the gain net's input and gain grid (multiple of 8)", "64"),
            new MethodSetting("gain-channels", "gain U-Net width", "16"),
            new MethodSetting("hidden", "curve head hidden width", "256"),
            new MethodSetting("gain-offset", "lowest gain (gain = offset + (1-offset)*sigmoid)", "0.5"),
            new MethodSetting("free-pixel", "ablation: a free per-pixel RGB residual instead of curves + shading (not usable for harmonize)", "false"),
        ],
        context => Create(context.Settings, context.Size, context.Seed, context.OutputDirectory, TestSplitPhotos.Stems(context.DataRoot)),
        OwnsAdversary: true);

    /// <summary>Builds the task from settings; <paramref name="excludedPhotos"/> (the training data's test photos) never reach the unsupervised stream.</summary>
    public static PIHTrainingTask Create(MethodSettings settings, int size, int seed, string? outputDirectory, IReadOnlySet<string>? excludedPhotos = null)
    {
        var config = PIHConfig.FromSettings(settings);
        var options = new PIHTrainingOptions(
            UnsupervisedRatio: settings.GetDouble("unsupervised-ratio", 0.5, 0, 1),
            L1Weight: settings.GetDouble("l1-weight", 0.92, 0, 1),
            UnsupervisedAdversarialWeight: settings.GetDouble("unsup-adv-weight", 1, 0, 100),
            DiscriminatorLearningRate: settings.GetDouble("disc-lr", 1e-4, 0, 1),
            DiscriminatorChannels: settings.GetInt("disc-channels", 16, 2, 128),
            StateFile: outputDirectory is null ? null : Path.Combine(outputDirectory, "pih-discriminator.safetensors"));
        RealCompositeStream? stream = null;
        if (options.UnsupervisedRatio > 0)
        {
            string? Folder(string key, string fallback) => settings.GetString(key, fallback) is { Length: > 0 } v && v != "none" ? v : null;
            stream = new RealCompositeStream(Folder("real-composites", "../shared/data/lalonde-efros"), Folder("persons", "../shared/data/ccp-persons"), size, excludedPhotos);
        }
        if (outputDirectory is not null) Directory.CreateDirectory(outputDirectory);
        var model = new PIHModel(config);
        try { return new PIHTrainingTask(model, options, stream, seed); }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
