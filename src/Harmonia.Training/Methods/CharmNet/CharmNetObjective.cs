using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.CharmNet;

/// <summary>
/// CharmNet's loss terms, as the official <c>dastyle_model.py</c> and <c>util/losses.py</c> compute them (batch means).
/// </summary>
public static class CharmNetObjective
{
    /// <summary>Official <c>MaskWeightedMSE(min_area=100)</c>: per image Σ(out − real)² over all pixels and channels / (3·max(Σmask, 100)), averaged over the batch.</summary>
    public static Tensor ForegroundNormalizedMse(Tensor output, Tensor real, Tensor mask, double minArea = 100)
    {
        var squared = (output - real).Squared().sum(new long[] { 1, 2, 3 });
        var area = mask.sum(new long[] { 1, 2, 3 }).clamp_min(TorchScalars.Of(minArea)).mul(TorchScalars.Of(output.shape[1]));
        return (squared / area).mean();
    }

    /// <summary>Official <c>SoftCrossEntropy</c>: mean over the batch of −Σ_k target_k·log softmax(logits)_k; logits and target (N, K).</summary>
    public static Tensor SoftCrossEntropy(Tensor logits, Tensor target) =>
        (target * nn.functional.log_softmax(logits, 1)).sum(1).mean().neg();

    /// <summary>Mean entropy of the softmax of <paramref name="logits"/> (N, K): the official <c>SoftCrossEntropy(p, p)</c>.</summary>
    public static Tensor Entropy(Tensor logits) => SoftCrossEntropy(logits, softmax(logits, 1));

    /// <summary>
    /// The style aggregation loss on real images (paper eqs. 4–5; official <c>loss_tgt_crossEntropy</c>,
    /// <c>loss_tgt_lowerEntropy</c>): the after-harmonization distribution classified against the before one
    /// (<c>SoftCrossEntropy(after, before)</c>, gradients through both as the official code), and the entropy reduction
    /// <c>max(0, m − H(before) + H(after))</c> over batch-mean entropies.
    /// </summary>
    public static (Tensor CrossEntropy, Tensor EntropyReduction) StyleAggregation(Tensor beforeLogits, Tensor afterLogits, double margin)
    {
        var crossEntropy = SoftCrossEntropy(afterLogits, softmax(beforeLogits, 1));
        var reduction = nn.functional.relu((Entropy(afterLogits) - Entropy(beforeLogits)).Plus(margin));
        return (crossEntropy, reduction);
    }

    /// <summary>Hinge loss of the domain discriminator (official wgangp branch): mean relu(1 + D(rendered)) + mean relu(1 − D(real)).</summary>
    public static Tensor DiscriminatorHinge(Tensor renderedScores, Tensor realScores) =>
        nn.functional.relu(renderedScores.Plus(1)).mean().Plus(nn.functional.relu(realScores.neg().Plus(1)).mean());

    /// <summary>The rendered encoder's adversarial loss (official <c>GANLoss('wgangp')(pred, True)</c>): −mean D(rendered).</summary>
    public static Tensor GeneratorAdversarial(Tensor renderedScores) => renderedScores.mean().neg();
}
