using Harmonia.Models.Losses;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet objective (paper eq. 15): <c>L = 0.2·L_PSNR + 0.01·L_FN-MSE + 0.01·L_G</c>, on images in [0, 1]
/// (the prediction already blended with the mask, so background errors are those of the composite, i.e. zero on
/// paired data). Per sample, then averaged over the batch:
/// <list type="bullet">
/// <item><c>L_PSNR = 100 / PSNR</c>, PSNR = 20·log10(max(I) / RMSE(Î, I)) in dB, max(I) the target's maximum (eq. 13;
/// the paper writes log10(max(I)/‖Î − I‖₂) and calls it the PSNR, we use the PSNR in dB). RMSE is floored at 1e-5
/// (PSNR ≤ 100 dB for a white target) and PSNR at 1 dB so the term stays finite and positive.</item>
/// <item><c>L_FN-MSE = ‖Î − I‖²₂ / max(A_min, Σ M)</c> with A_min = 100 pixels (eq. 14; the sum runs over all
/// channels and pixels, the area over the binary mask's pixels).</item>
/// <item><c>L_G = MSE(∂x Î, ∂x I) + MSE(∂y Î, ∂y I)</c> with forward differences (the paper: "the MSE of gradients").</item>
/// </list>
/// Harmonia adds an optional fourth term, not in the paper and off by default (<see cref="HarmWeight"/>):
/// <c>L_harm = max(0, 100/PSNR(Î, I) − 100/PSNR(C, I))</c> per sample with C the composite, so an output that is
/// further from the target than the composite was costs more than one that is as far off in the other direction.
/// </summary>
public sealed class PHNetLoss
{
    /// <summary>λ0, λ1, λ2 of eq. 15.</summary>
    public double PsnrWeight { get; init; } = 0.2;
    /// <inheritdoc cref="PsnrWeight"/>
    public double FnMseWeight { get; init; } = 0.01;
    /// <inheritdoc cref="PsnrWeight"/>
    public double GradientWeight { get; init; } = 0.01;
    /// <summary>Weight of the do-no-harm term L_harm (Harmonia's; 0 = off, the paper's objective).</summary>
    public double HarmWeight { get; init; }
    /// <summary>A_min of eq. 14, in pixels.</summary>
    public double MinArea { get; init; } = 100;

    /// <summary>
    /// prediction, target, composite: (N, 3, H, W) in [0, 1]; mask: (N, 1, H, W) binary. Returns the total (scalar)
    /// and the unweighted terms (scalars) named "psnr", "fnmse", "grad", and "harm" when <see cref="HarmWeight"/> is
    /// above 0 (which needs the composite).
    /// </summary>
    public (Tensor Total, IReadOnlyDictionary<string, Tensor> Terms) Compute(Tensor prediction, Tensor target, Tensor mask, Tensor? composite = null)
    {
        var psnr = PsnrTerm(prediction, target);
        var fn = ForegroundNormalizedMse(prediction, target, mask, MinArea);
        var grad = GradientMse(prediction, target);
        var total = psnr.mul(TorchScalars.Of(PsnrWeight)).Plus(fn.mul(TorchScalars.Of(FnMseWeight))).Plus(grad.mul(TorchScalars.Of(GradientWeight)));
        var terms = new Dictionary<string, Tensor> { ["psnr"] = psnr, ["fnmse"] = fn, ["grad"] = grad };
        if (HarmWeight > 0)
        {
            if (composite is null) throw new ArgumentException("The do-no-harm term needs the composite.", nameof(composite));
            var harm = HarmTerm(prediction, composite, target);
            total = total.Plus(harm.mul(TorchScalars.Of(HarmWeight)));
            terms["harm"] = harm;
        }
        return (total, terms);
    }

    /// <summary>Per sample 100 / PSNR(dB) (eq. 13): shape (N).</summary>
    public static Tensor PsnrLossPerSample(Tensor prediction, Tensor target)
    {
        var dims = new long[] { 1, 2, 3 };
        var rmse = (prediction - target).Squared().mean(dims).sqrt().clamp_min(TorchScalars.Of(1e-5));
        var peak = target.amax(dims).clamp_min(TorchScalars.Of(1e-5));
        var psnr = (peak / rmse).log10().mul(TorchScalars.Of(20)).clamp_min(TorchScalars.Of(1.0));
        return psnr.reciprocal().mul(TorchScalars.Of(100));
    }

    /// <summary>
    /// Batch mean of max(0, 100/PSNR(prediction) − 100/PSNR(composite)) against the target: zero for every sample the
    /// prediction does not make worse than its composite. The composite's side carries no gradient.
    /// </summary>
    public static Tensor HarmTerm(Tensor prediction, Tensor composite, Tensor target) =>
        DoNoHarm.Excess(PsnrLossPerSample(prediction, target), PsnrLossPerSample(composite, target));

    /// <summary>Batch mean of 100 / PSNR(dB) (eq. 13).</summary>
    public static Tensor PsnrTerm(Tensor prediction, Tensor target) => PsnrLossPerSample(prediction, target).mean();

    /// <summary>Batch mean of Σ(Î − I)² / max(A_min, Σ M) (eq. 14).</summary>
    public static Tensor ForegroundNormalizedMse(Tensor prediction, Tensor target, Tensor mask, double minArea = 100)
    {
        var squared = (prediction - target).Squared().sum(new long[] { 1, 2, 3 });
        var area = mask.sum(new long[] { 1, 2, 3 }).clamp_min(TorchScalars.Of(minArea));
        return (squared / area).mean();
    }

    /// <summary>MSE of horizontal plus MSE of vertical forward differences.</summary>
    public static Tensor GradientMse(Tensor prediction, Tensor target)
    {
        var dx = (Dx(prediction) - Dx(target)).Squared().mean();
        var dy = (Dy(prediction) - Dy(target)).Squared().mean();
        return dx.Plus(dy);
    }

    static Tensor Dx(Tensor x)
    {
        long w = x.shape[3];
        return x.narrow(3, 1, w - 1) - x.narrow(3, 0, w - 1);
    }

    static Tensor Dy(Tensor x)
    {
        long h = x.shape[2];
        return x.narrow(2, 1, h - 1) - x.narrow(2, 0, h - 1);
    }
}
