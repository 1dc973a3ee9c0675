using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// External style fusion of one decoder level (Liang &amp; Pun, §III-A, eqs. 1-7). With decoder features D, the
/// mirrored encoder features E (same shape) and the mask M at this level (area-downsampled, soft at edges):
/// <list type="bullet">
/// <item>μ_E, σ_E: channel mean and standard deviation of E over the background, weighted by (1 − M) (eq. 1);
/// μ_D, σ_D: the same for D (eq. 2). σ = √(var + ε), ε = <see cref="Epsilon"/>, the variance is the biased one.</item>
/// <item>eq. 4: D̂_fg = M·(D − μ_E)/σ_E (the decoder foreground normalised by the encoder background's statistics);
/// eq. 5: D̂_bg = (1 − M)·(D − μ_D)/σ_D. We normalise D and then mask it (eq. 4 with D_fg = D·M would give −μ/σ
/// outside the foreground, which the masks below drop anyway, but the 1x1 convolutions would see it).</item>
/// <item>eqs. 6-7: ψ(x) = f_s(x)·x + f_b(x), f_s and f_b 1x1 convolutions (C → C, the "affine functions" giving
/// AdaIN's scale and bias), shared by the foreground and background branch as the paper writes one f_i for both.</item>
/// <item>channel addition: the two branches are added, each kept to its region:
/// out = D + M·ψ(D̂_fg) + (1 − M)·ψ(D̂_bg). The leading D (a residual) is ours: the paper initialises every fusion
/// parameter to 0, which without it would make the fused map 0 and cut the decoder at the start; with it the
/// zero-initialised fusion is the identity and learns its change.</item>
/// </list>
/// State dict: <c>scale.weight</c> (C, C, 1, 1), <c>scale.bias</c> (C), <c>shift.weight</c>, <c>shift.bias</c>; all zero at creation.
/// </summary>
public sealed class StyleFusion : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    /// <summary>ε of σ = √(var + ε).</summary>
    public const double Epsilon = 1e-5;

    readonly Conv2d scale, shift;

    /// <summary>Builds the fusion for <paramref name="channels"/> channels, parameters initialised to 0 (paper).</summary>
    public StyleFusion(long channels) : base(nameof(StyleFusion))
    {
        scale = nn.Conv2d(channels, channels, 1);
        shift = nn.Conv2d(channels, channels, 1);
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var p in parameters()) p.zero_();
    }

    /// <summary>
    /// decoder, encoder: (N, C, h, w); mask: (N, 1, h, w) in [0, 1], 1 = foreground → fused decoder features (N, C, h, w).
    /// </summary>
    public override Tensor forward(Tensor decoder, Tensor encoder, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var background = mask.OneMinus();
        var (meanE, stdE) = RegionStatistics(encoder, background);
        var (meanD, stdD) = RegionStatistics(decoder, background);
        var foregroundHat = (decoder - meanE) / stdE * mask;
        var backgroundHat = (decoder - meanD) / stdD * background;
        var fused = decoder.Plus(Psi(foregroundHat) * mask).Plus(Psi(backgroundHat) * background);
        return fused.MoveToOuterDisposeScope();
    }

    /// <summary>ψ(x) = f_s(x)·x + f_b(x) (eqs. 6-7).</summary>
    Tensor Psi(Tensor x) => (scale.forward(x) * x).Plus(shift.forward(x));

    /// <summary>
    /// Weighted channel mean and standard deviation: x (N, C, h, w), weight (N, 1, h, w) ≥ 0 → mean, std (N, C, 1, 1);
    /// std = √(Σw(x − mean)² / Σw + ε), Σw floored at 1e-6 (an empty region gives mean 0, std √ε).
    /// </summary>
    public static (Tensor Mean, Tensor Std) RegionStatistics(Tensor x, Tensor weight)
    {
        using var scope = NewDisposeScope();
        var dims = new long[] { 2, 3 };
        var total = weight.sum(dims, keepdim: true).clamp_min(TorchScalars.Of(1e-6));
        var mean = (x * weight).sum(dims, keepdim: true) / total;
        var variance = ((x - mean).Squared() * weight).sum(dims, keepdim: true) / total;
        var std = variance.Plus(Epsilon).sqrt();
        return (mean.MoveToOuterDisposeScope(), std.MoveToOuterDisposeScope());
    }
}
