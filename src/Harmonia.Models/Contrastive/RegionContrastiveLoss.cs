using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// The region-wise contrastive loss L_HCL (Liang &amp; Pun, §III-B, eqs. 8-12). Per image:
/// <list type="number">
/// <item>Sampling maps at H/4 × W/4 (eq. 8): each location is a 4×4 cell of the image; the binary mask is averaged
/// over the cells. A location is a foreground candidate when more than half of its cell is foreground, a background
/// candidate otherwise (the paper does not say how cells on the border are assigned).</item>
/// <item>K locations are drawn from each region's candidates (uniformly, without replacement; when a region has
/// fewer than K candidates, with replacement, so every image contributes K samples; the paper does not say). An image
/// without candidates in one of the regions contributes no loss.</item>
/// <item>φ (eqs. 8-9): the 8×8 patch centred on the cell (the cell plus 2 pixels each side, zero outside the image),
/// cut from H^fg = M·H (the harmonized output's foreground; negatives) and from Ĥ^bg = (1 − M)·Ĥ (the ground truth's
/// background; positives). The MLP embeds these raw RGB patches (3·8·8 = 192 values; the paper does not say which
/// features it embeds): the shared <see cref="ContrastiveModel.Projector"/>, then L2 normalisation (as CUT).</item>
/// <item>Queries (the paper names v^bg and v^fg but does not define them): v^bg, compared with the positives, is the
/// normalised mean embedding of the negatives, i.e. the style of the harmonized foreground that should match the
/// background; v^fg, compared with the negatives, is the normalised mean embedding of the composite's foreground
/// patches at the same locations, i.e. the inharmonious input style. Minimising eq. 11 then
/// pulls the harmonized foreground toward the ground-truth background's patches.</item>
/// <item>The negatives enter the denominator of eq. 11 with the output detached: they train the shared MLP (it must
/// tell the harmonized foreground from the composite's) but do not push the output itself. With the output attached
/// there, a first run (lr 1e-3, 250 steps) drove the output's foreground away from the composite's at any cost: the
/// foreground L1 grew from 0.12 to 0.18 while L_HCL fell from 5.7 to 1.9 (docs/methods/contrastive.md).</item>
/// <item>eq. 11 per image (<see cref="InfoNce"/>), eq. 12 the mean over the images that contribute.</item>
/// </list>
/// </summary>
public static class RegionContrastiveLoss
{
    /// <summary>Side of a sampling-map cell in pixels (H/4 × W/4 map).</summary>
    public const int Cell = 4;

    /// <summary>Side of a cropped patch in pixels.</summary>
    public const int Patch = 8;

    /// <summary>
    /// Eq. 11: (1/K)·Σ_i −log(exp(v^bg·P_i/τ) / (exp(v^bg·P_i/τ) + Σ_k exp(v^fg·N_k/τ))).
    /// vBackground, vForeground: (D); positives: (K, D); negatives: (K', D) → scalar. Computed with log-sum-exp.
    /// </summary>
    public static Tensor InfoNce(Tensor vBackground, Tensor vForeground, Tensor positives, Tensor negatives, double temperature)
    {
        using var scope = NewDisposeScope();
        var t = TorchScalars.Of(temperature);
        var positive = matmul(positives, vBackground).div(t);                  // (K)
        var negative = matmul(negatives, vForeground).div(t);                  // (K')
        var negativeLse = negative.logsumexp(0);                               // log Σ_k exp(v^fg·N_k/τ)
        var denominator = stack(new[] { positive, negativeLse.expand(positive.shape) }, 0).logsumexp(0);
        return (denominator - positive).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L_HCL (eq. 12). output: harmonized image (N, 3, H, W); composite, real: (N, 3, H, W); mask: (N, 1, H, W)
    /// binary; H and W multiples of 4. Draws locations from torch's generator (seeded per step by the trainer).
    /// Returns a scalar (0 when no image has both regions).
    /// </summary>
    public static Tensor Compute(Sequential projector, Tensor output, Tensor composite, Tensor real, Tensor mask, int samples, double temperature)
    {
        using var scope = NewDisposeScope();
        var pooled = nn.functional.avg_pool2d(mask, Cell).flatten(1);          // (N, L)
        var outputPatches = Patches(output * mask);                            // (N, 192, L), for v^bg
        var negativePatches = Patches(output.detach() * mask);                 // the negatives N_k
        var compositePatches = Patches(composite * mask);
        var positivePatches = Patches(real * mask.OneMinus());
        var fractions = pooled.cpu().data<float>().ToArray();
        long n = mask.shape[0], locations = pooled.shape[1];
        var losses = new List<Tensor>();
        for (long b = 0; b < n; b++)
        {
            var row = fractions.AsSpan((int)(b * locations), (int)locations);
            var foreground = Candidates(row, true);
            var background = Candidates(row, false);
            if (foreground.Length == 0 || background.Length == 0) continue;
            var fgIndex = Draw(foreground, samples);
            var bgIndex = Draw(background, samples);
            var harmonized = Embed(projector, outputPatches[b].index_select(1, fgIndex));
            var negatives = Embed(projector, negativePatches[b].index_select(1, fgIndex));
            var inputs = Embed(projector, compositePatches[b].index_select(1, fgIndex));
            var positives = Embed(projector, positivePatches[b].index_select(1, bgIndex));
            var vBackground = nn.functional.normalize(harmonized.mean(new long[] { 0 }), dim: 0);
            var vForeground = nn.functional.normalize(inputs.mean(new long[] { 0 }), dim: 0);
            losses.Add(InfoNce(vBackground, vForeground, positives, negatives, temperature));
        }
        var loss = losses.Count == 0 ? zeros(1, device: output.device).sum() : stack(losses).mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>x (N, C, H, W) → the 8×8 patch around every 4×4 cell, (N, C·64, H/4·W/4).</summary>
    static Tensor Patches(Tensor x) => nn.functional.unfold(x, Patch, padding: (Patch - Cell) / 2, stride: Cell);

    /// <summary>Patches (192, K) → L2-normalised embeddings (K, D).</summary>
    static Tensor Embed(Sequential projector, Tensor patches) => nn.functional.normalize(projector.forward(patches.t()), dim: 1);

    static long[] Candidates(ReadOnlySpan<float> fractions, bool foreground)
    {
        var list = new List<long>();
        for (int i = 0; i < fractions.Length; i++)
            if (fractions[i] > 0.5f == foreground) list.Add(i);
        return list.ToArray();
    }

    /// <summary>K indices into <paramref name="candidates"/>: a random subset, or draws with replacement when there are fewer than K.</summary>
    static Tensor Draw(long[] candidates, int k)
    {
        var pool = tensor(candidates);
        var pick = candidates.Length >= k ? randperm(candidates.Length).narrow(0, 0, k) : randint(candidates.Length, new long[] { k });
        return pool.index_select(0, pick);
    }
}
