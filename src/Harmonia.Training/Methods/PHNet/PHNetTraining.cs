using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.Weights;

namespace Harmonia.Training.Methods.PHNet;

/// <summary>
/// <c>harmonia train phnet</c>: the options of the PHNet training task (the trainer adds --data, --out, --epochs, …);
/// the network's own settings are parsed by <see cref="PHNetConfigMetadata.FromSettings"/>.
/// </summary>
public static class PHNetTraining
{
    /// <summary>The paper's loss weights (eq. 15), the defaults of the weight settings.</summary>
    static readonly PHNetLoss PaperLoss = new();

    static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        PHNetMethod.Name,
        "PHNet (patch-based normalization; Efremyan et al.); paper trains with Lion in three stages.",
        [
            new MethodSetting("stage", "training stage: 1 = no PFE, 2 = PFE with the encoder frozen, 3 = everything", "1"),
            new MethodSetting("stage-epochs", "switch stages inside one run: 'a,b' = stage 1 for a epochs, stage 2 for b, then 3 (overrides --stage)", ""),
            new MethodSetting("width", "encoder width divisor of the official 3,16,...,512 channels (1 = official, 2 = half, 4 = quarter)", "1"),
            new MethodSetting("output", "how the last layer becomes the image: residual (image + d, starts at the identity; ours) or sigmoid (official)", "residual"),
            new MethodSetting("init", "weights (.safetensors) to start from, e.g. the previous stage's best.safetensors", ""),
            new MethodSetting("psnr-weight", "weight of the 100/PSNR term (paper eq. 15: 0.2); per image, so it favours images already close", Text(PaperLoss.PsnrWeight)),
            new MethodSetting("fnmse-weight", "weight of the foreground-normalized MSE term (paper: 0.01); proportional to the fMSE metric", Text(PaperLoss.FnMseWeight)),
            new MethodSetting("grad-weight", "weight of the image-gradient MSE term (paper: 0.01)", Text(PaperLoss.GradientWeight)),
            new MethodSetting("harm-weight", "weight of a do-no-harm term (Harmonia's, not the paper's): per image max(0, 100/PSNR(output) - 100/PSNR(composite)), so making a composite worse costs more; 0 = off", Text(PaperLoss.HarmWeight)),
        ],
        Create);

    /// <summary>Builds the task from the run's settings.</summary>
    public static PHNetTrainingTask Create(TrainingContext context)
    {
        var s = context.Settings;
        var model = new PHNetModel(PHNetConfigMetadata.FromSettings(s));
        var init = s.GetString("init", "");
        if (!string.IsNullOrEmpty(init))
        {
            if (!File.Exists(init)) throw new UsageException($"--init: file '{init}' does not exist.");
            StateDictIO.Load(model, init);
        }
        int[]? epochs = null;
        var spec = s.GetString("stage-epochs", "");
        if (!string.IsNullOrWhiteSpace(spec))
        {
            var parts = spec.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new UsageException($"--stage-epochs must be two whole numbers 'a,b', got '{spec}'.");
            epochs = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        var loss = new PHNetLoss
        {
            PsnrWeight = s.GetDouble("psnr-weight", PaperLoss.PsnrWeight, 0, 1e6),
            FnMseWeight = s.GetDouble("fnmse-weight", PaperLoss.FnMseWeight, 0, 1e6),
            GradientWeight = s.GetDouble("grad-weight", PaperLoss.GradientWeight, 0, 1e6),
            HarmWeight = s.GetDouble("harm-weight", PaperLoss.HarmWeight, 0, 1e6),
        };
        if (loss.PsnrWeight + loss.FnMseWeight + loss.GradientWeight <= 0)
            throw new UsageException("--psnr-weight, --fnmse-weight and --grad-weight are all 0: the loss would be 0.");
        return new PHNetTrainingTask(model, s.GetInt("stage", 1, 1, 3), epochs, loss) { TrainSize = context.Size };
    }
}
