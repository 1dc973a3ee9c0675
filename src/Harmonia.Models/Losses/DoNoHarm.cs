using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Models.Losses;

/// <summary>
/// Harmonia's do-no-harm term (not from any of the papers), shared by the trainers that offer it: given a per-sample
/// loss of the network's output and the same loss of the composite against one target, the batch mean of
/// max(0, output − composite). It is zero for every sample the output does not make worse than its composite, so an
/// output that is further from the target than the composite costs more than one as far off in the other direction.
/// </summary>
public static class DoNoHarm
{
    /// <summary>
    /// outputLoss, compositeLoss: (N) per-sample losses in the same unit. Returns the scalar mean over N of
    /// max(0, outputLoss − compositeLoss); the composite's side carries no gradient.
    /// </summary>
    public static Tensor Excess(Tensor outputLoss, Tensor compositeLoss)
    {
        using var reference = compositeLoss.detach();
        return (outputLoss - reference).clamp_min(TorchScalars.Of(0.0)).mean();
    }
}
