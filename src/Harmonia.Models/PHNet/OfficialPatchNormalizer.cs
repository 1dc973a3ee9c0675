using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// The PN block exactly as the official code computes it (<see cref="PHNetVariant.Official"/>; Harmonia's own
/// variant is <see cref="PatchNormalizer"/>). With X the feature map, M the mask, statistics per channel over the
/// whole map, masked with M for the foreground and 1 − M for the background (the mask is squared inside the variance),
/// eps = 1e-7:
/// <code>
/// μ = Σ(X·m) / (Σm + eps),   σ = sqrt(Σ((X − μ)·m)² / (Σm + eps) + eps)
/// mean_patched_back = Σ_cells local_mean(B) · grid_weights          (local means masked with 1 − M)
/// bg_n = (X − μB)/σB · bg_var + bg_bias
/// u = (X − μF)/σF
/// fg_n = (u·σB + μB) · fg_var + fg_bias,   fg_p = (u·σB + mean_patched_back) · patched_fg_var + patched_fg_bias
/// out = (weights[0]·fg_n + weights[1]·fg_p)·M + bg_n·(1 − M)
/// </code>
/// Cells: H / G rows each, the last taking the remainder (<see cref="CellSplit.FloorWithRemainder"/>).
/// Parameter names and shapes are the official state dict's: <c>weights</c> (2), <c>fg_var</c>, <c>fg_bias</c>,
/// <c>patched_fg_var</c>, <c>patched_fg_bias</c>, <c>bg_var</c>, <c>bg_bias</c> (1, C, 1, 1), <c>grid_weights</c> (1, C, G, G).
/// </summary>
public sealed class OfficialPatchNormalizer : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>The official epsilon.</summary>
    public const double Eps = 1e-7;

#pragma warning disable IDE1006 // fields are named as in the PyTorch state dict
    readonly Parameter weights;
    readonly Parameter fg_var;
    readonly Parameter fg_bias;
    readonly Parameter patched_fg_var;
    readonly Parameter patched_fg_bias;
    readonly Parameter bg_var;
    readonly Parameter bg_bias;
    readonly Parameter grid_weights;
#pragma warning restore IDE1006

    /// <summary>Grid size G.</summary>
    public int GridCount { get; }

    /// <summary>Creates the block with the official initial values (weights 0.5/0.5, variances 0.8, biases 0, uniform grid weights).</summary>
    public OfficialPatchNormalizer(long channels, int gridCount) : base("PatchNormalizer")
    {
        GridCount = gridCount;
        var shape = new long[] { 1, channels, 1, 1 };
        weights = new Parameter(tensor(new[] { 0.5f, 0.5f }));
        fg_var = new Parameter(full(shape, TorchScalars.Of(0.8)));
        fg_bias = new Parameter(zeros(shape));
        patched_fg_var = new Parameter(full(shape, TorchScalars.Of(0.8)));
        patched_fg_bias = new Parameter(zeros(shape));
        bg_var = new Parameter(full(shape, TorchScalars.Of(0.8)));
        bg_bias = new Parameter(zeros(shape));
        grid_weights = new Parameter(full(new long[] { 1, channels, gridCount, gridCount }, TorchScalars.Of(1.0 / (gridCount * gridCount))));
        RegisterComponents();
    }

    /// <summary>x (N, C, H, W), mask (N, 1, H, W) in [0, 1] → (N, C, H, W).</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var background = mask.OneMinus();
        var (fgMean, fgStd) = MaskedStatistics(x, mask);
        var (bgMean, bgStd) = MaskedStatistics(x, background);
        var localMeans = PatchStatistics.WeightedCellMeans(x, background, GridCount, Eps);
        var patchedBack = (localMeans * grid_weights).sum(new long[] { 2, 3 }, keepdim: true);
        var bgNormalized = ((x - bgMean) / bgStd * bg_var).Plus(bg_bias);
        var standardized = (x - fgMean) / fgStd;
        var fgNormalized = (((standardized * bgStd).Plus(bgMean)) * fg_var).Plus(fg_bias);
        var fgPatched = (((standardized * bgStd).Plus(patchedBack)) * patched_fg_var).Plus(patched_fg_bias);
        var fg = (weights[0] * fgNormalized).Plus(weights[1] * fgPatched);
        return (fg * mask).Plus(bgNormalized * background).MoveToOuterDisposeScope();
    }

    static (Tensor Mean, Tensor Std) MaskedStatistics(Tensor x, Tensor weight)
    {
        var dims = new long[] { 2, 3 };
        var count = weight.sum(dims, keepdim: true).Plus(Eps);
        var mean = (x * weight).sum(dims, keepdim: true) / count;
        var variance = ((x - mean) * weight).Squared().sum(dims, keepdim: true) / count;
        return (mean, variance.Plus(Eps).sqrt());
    }
}
