using Harmonia.Core.Errors;
using Harmonia.Models.Contrastive;
using Harmonia.Core.Methods;
using Harmonia.Models.Weights;

namespace Harmonia.Training.Methods.Contrastive;

/// <summary>
/// <c>harmonia train contrastive</c>: the options of the contrastive training task (the trainer adds --data, --out,
/// --size, --optimizer, …). The ablation of the paper's Table VI: <c>--no-fusion --hcl-weight 0</c> (L1 + L_pixel),
/// <c>--hcl-weight 0</c> (+ style fusion), the defaults (+ L_HCL).
/// </summary>
public static class ContrastiveTraining
{
    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        ContrastiveMethod.Name,
        "Region-wise contrastive learning with external style fusion (Liang & Pun); paper: AdamW, lr 1e-3, batch 8.",
        [
            new MethodSetting("width", "channels of the first encoder level (levels: w, 2w, 4w, 8w)", "16"),
            new MethodSetting("no-fusion", "leave out the external style fusion (ablation)", "false"),
            new MethodSetting("hcl-weight", "weight of the region-wise contrastive loss (paper 0.1; 0 = off, ablation)", "0.1"),
            new MethodSetting("l1-weight", "weight of the whole-image L1 (paper 0.4)", "0.4"),
            new MethodSetting("pixel-weight", "weight of the foreground L1 (paper 0.5)", "0.5"),
            new MethodSetting("samples", "K, patches drawn per region and image (paper 256)", "256"),
            new MethodSetting("temperature", "tau of the contrastive loss (paper 0.07)", "0.07"),
            new MethodSetting("init", "weights (.safetensors) to start from", ""),
        ],
        Create);

    /// <summary>Builds the task from the run's settings.</summary>
    public static ContrastiveTrainingTask Create(TrainingContext context)
    {
        var s = context.Settings;
        if (context.Size % ContrastiveConfig.SizeMultiple != 0)
            throw new UsageException($"--size must be a multiple of {ContrastiveConfig.SizeMultiple} for the contrastive network, got {context.Size}.");
        var model = new ContrastiveModel(ContrastiveConfig.FromSettings(s));
        var init = s.GetString("init", "");
        if (!string.IsNullOrEmpty(init))
        {
            if (!File.Exists(init)) throw new UsageException($"--init: file '{init}' does not exist.");
            StateDictIO.Load(model, init);
        }
        var objective = new ContrastiveObjective
        {
            L1Weight = s.GetDouble("l1-weight", 0.4, 0, 100),
            PixelWeight = s.GetDouble("pixel-weight", 0.5, 0, 100),
            ContrastiveWeight = s.GetDouble("hcl-weight", 0.1, 0, 100),
            Samples = s.GetInt("samples", 256, 1, 65536),
            Temperature = s.GetDouble("temperature", 0.07, 1e-4, 100),
        };
        return new ContrastiveTrainingTask(model, objective) { TrainSize = context.Size };
    }
}
