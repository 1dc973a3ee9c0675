using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// Patch-based normalization (PN) block, paper eqs. 2-12, applied to a feature map X with foreground mask M
/// (F = B = X; foreground statistics are taken over M, background statistics over 1 − M, per channel):
/// <code>
/// F̂glob = (X − μglob(F))·σglob(B)/σglob(F) + μglob(B)                       (5)
/// μloc(B) = Σi αi·μloc_i(B),   σloc(B) = sqrt(Σi βi·σloc_i(B)² / P)          (6, 7)
/// F̂loc  = (X − μglob(F))·σloc(B)/σglob(F) + μloc(B)                          (8)
/// B̂loc  = (X − μglob(B))·σloc(B)/σglob(B) + μloc(B)                          (9)
/// F̃ = weights[0]·(fg_var·F̂glob + fg_bias) + weights[1]·(patched_fg_var·F̂loc + patched_fg_bias)   (10)
/// B̃ = bg_var·B̂loc + bg_skip·X + bg_bias                                     (11)
/// N = F̃·M + B̃·(1 − M)                                                        (12)
/// </code>
/// Eq. 10 is w0·F̂loc + w1·F̂glob + w2 with per-channel w0 = weights[1]·patched_fg_var, w1 = weights[0]·fg_var,
/// w2 = weights[0]·fg_bias + weights[1]·patched_fg_bias: the official code's parameterisation and names, kept so
/// state dicts line up. Eq. 11's γ0, γ1, γ2 are the per-channel <c>bg_var</c>, <c>bg_skip</c>, <c>bg_bias</c>
/// (the official code has no γ1 term: it replaces the background by its standardized version; we follow the paper).
/// The paper calls αi, βi "learned scores for each patch" without saying whether they are predicted or free
/// parameters; we follow the official code: free parameters per channel and cell (<c>grid_weights</c> = α,
/// shape (1, C, G, G), initialised to 1/P; <c>grid_var_weights</c> = β, initialised to 1 — the official code has no β
/// and uses σglob(B) in eq. 8). Σ βi σi² is clamped at 0 before the square root (β is unconstrained).
/// Std values are sqrt(variance + eps); empty cells use the global background statistics (see <see cref="PatchStatistics"/>).
/// </summary>
public sealed class PatchNormalizer : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Std floor added to variances.</summary>
    public const double Eps = 1e-5;

#pragma warning disable IDE1006 // fields are named as in the PyTorch state dict
    readonly Parameter weights;
    readonly Parameter fg_var;
    readonly Parameter fg_bias;
    readonly Parameter patched_fg_var;
    readonly Parameter patched_fg_bias;
    readonly Parameter bg_var;
    readonly Parameter bg_skip;
    readonly Parameter bg_bias;
    readonly Parameter grid_weights;
    readonly Parameter grid_var_weights;
#pragma warning restore IDE1006

    /// <summary>Grid size G (P = G² patches).</summary>
    public int GridCount { get; }

    /// <summary>Creates a PN block for <paramref name="channels"/> channels on a G x G grid.</summary>
    /// <param name="channels">Channels C of the feature map.</param>
    /// <param name="gridCount">G: splits along each axis.</param>
    /// <param name="initValue">Initial per-channel scale of the two foreground branches (official 0.8; we use 1).</param>
    public PatchNormalizer(long channels, int gridCount, double initValue = 1.0) : base("PatchNormalizer")
    {
        GridCount = gridCount;
        var shape = new long[] { 1, channels, 1, 1 };
        weights = new Parameter(tensor(new[] { 0.5f, 0.5f }));
        fg_var = new Parameter(full(shape, TorchScalars.Of(initValue)));
        fg_bias = new Parameter(zeros(shape));
        patched_fg_var = new Parameter(full(shape, TorchScalars.Of(initValue)));
        patched_fg_bias = new Parameter(zeros(shape));
        // Background starts as the identity (bg_skip = 1): the block first only moves the foreground.
        bg_var = new Parameter(zeros(shape));
        bg_skip = new Parameter(ones(shape));
        bg_bias = new Parameter(zeros(shape));
        grid_weights = new Parameter(full(new long[] { 1, channels, gridCount, gridCount }, TorchScalars.Of(1.0 / (gridCount * gridCount))));
        grid_var_weights = new Parameter(ones(1, channels, gridCount, gridCount));
        RegisterComponents();
    }

    /// <summary>Normalizes <paramref name="x"/> (N, C, H, W) with mask (N, 1, H, W) in [0, 1]; returns (N, C, H, W).</summary>
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var background = mask.OneMinus();
        var (fgMean, fgStd) = PatchStatistics.Global(x, mask, Eps);
        var (bgMean, bgStd) = PatchStatistics.Global(x, background, Eps);
        var (cellMean, cellStd) = PatchStatistics.Cells(x, background, GridCount, Eps, bgMean, bgStd);

        var dims = new long[] { 2, 3 };
        int patches = GridCount * GridCount;
        var localMean = (cellMean * grid_weights).sum(dims, keepdim: true);                                  // (6)
        var localStd = ((cellStd.Squared() * grid_var_weights).sum(dims, keepdim: true).div(TorchScalars.Of(patches))).clamp_min(TorchScalars.Of(0)).sqrt(); // (7)

        var fgCentered = (x - fgMean) / fgStd;
        var fgGlobal = (fgCentered * bgStd).Plus(bgMean);                                                           // (5)
        var fgLocal = (fgCentered * localStd).Plus(localMean);                                                      // (8)
        var bgLocal = ((x - bgMean) / bgStd * localStd).Plus(localMean);                                            // (9)

        var fg = (weights[0] * ((fg_var * fgGlobal).Plus(fg_bias))).Plus(weights[1] * ((patched_fg_var * fgLocal).Plus(patched_fg_bias))); // (10)
        var bg = (bg_var * bgLocal).Plus(bg_skip * x).Plus(bg_bias);                                                     // (11)
        return (fg * mask).Plus(bg * background).MoveToOuterDisposeScope();                                        // (12)
    }
}
