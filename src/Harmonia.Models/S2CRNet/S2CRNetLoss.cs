using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// Paper eq. 2, exactly as the official <c>l1_relative</c>: for each sample, Σ over C·H·W of |M·I_n − M·I_gt|
/// divided by Σ over H·W of M (the single-channel mask area, so it is 3 × the per-channel mean absolute error
/// inside the mask), averaged over the batch, and summed over the N stages.
/// </summary>
public static class S2CRNetLoss
{
    /// <summary>prediction, target: (N, 3, H, W); mask: (N, 1, H, W) in {0, 1}. Returns a scalar.</summary>
    public static Tensor RelativeL1(Tensor prediction, Tensor target, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long n = target.shape[0];
        var area = mask.reshape(n, -1).sum(1).Plus(1e-6);
        var diff = ((prediction - target) * mask).abs().reshape(n, -1).sum(1);
        return (diff / area).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Σ over stages of <see cref="RelativeL1"/>.</summary>
    public static Tensor CascadeRelativeL1(IReadOnlyList<Tensor> stages, Tensor target, Tensor mask)
    {
        using var scope = NewDisposeScope();
        Tensor total = RelativeL1(stages[0], target, mask);
        for (int s = 1; s < stages.Count; s++) total = total.Plus(RelativeL1(stages[s], target, mask));
        return total.MoveToOuterDisposeScope();
    }
}
