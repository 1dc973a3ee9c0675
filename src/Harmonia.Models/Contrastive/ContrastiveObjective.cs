using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// The training objective (eq. 13): <c>L = λ1·L1 + λ2·L_pixel + λ3·L_HCL</c>, λ = 0.4, 0.5, 0.1 (paper).
/// L1 is the mean absolute error over the whole image; L_pixel the mean absolute error over the foreground
/// (Σ M·|Ĥ − H| / (3·Σ M), ΣM floored at 1 pixel); L_HCL is <see cref="RegionContrastiveLoss"/> (skipped, and not
/// logged, when its weight is 0). Images in [0, 1]; the prediction is already blended with the mask.
/// </summary>
public sealed class ContrastiveObjective
{
    /// <summary>λ1 (whole-image L1).</summary>
    public double L1Weight { get; init; } = 0.4;
    /// <summary>λ2 (foreground L1).</summary>
    public double PixelWeight { get; init; } = 0.5;
    /// <summary>λ3 (region-wise contrastive loss; 0 switches it off).</summary>
    public double ContrastiveWeight { get; init; } = 0.1;
    /// <summary>K, samples per region and image.</summary>
    public int Samples { get; init; } = 256;
    /// <summary>τ.</summary>
    public double Temperature { get; init; } = 0.07;

    /// <summary>
    /// prediction, composite, real: (N, 3, H, W); mask: (N, 1, H, W). Returns the total and the unweighted terms
    /// "l1", "pixel" and (when used) "hcl".
    /// </summary>
    public (Tensor Total, IReadOnlyDictionary<string, Tensor> Terms) Compute(ContrastiveModel model, Tensor prediction, Tensor composite, Tensor real, Tensor mask)
    {
        var error = (prediction - real).abs();
        var l1 = error.mean();
        var binary = mask.ge(TorchScalars.Of(0.5)).to_type(ScalarType.Float32);
        var pixel = (error * binary).sum() / binary.sum().mul(TorchScalars.Of(3)).clamp_min(TorchScalars.Of(3));
        var total = l1.mul(TorchScalars.Of(L1Weight)).Plus(pixel.mul(TorchScalars.Of(PixelWeight)));
        var terms = new Dictionary<string, Tensor> { ["l1"] = l1, ["pixel"] = pixel };
        if (ContrastiveWeight > 0)
        {
            var hcl = RegionContrastiveLoss.Compute(model.Projector, prediction, composite, real, binary, Samples, Temperature);
            total = total.Plus(hcl.mul(TorchScalars.Of(ContrastiveWeight)));
            terms["hcl"] = hcl;
        }
        return (total, terms);
    }
}
