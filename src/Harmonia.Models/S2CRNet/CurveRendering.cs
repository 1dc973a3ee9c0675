using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// The differentiable curve ψ of paper eq. 1 / official <c>CF</c>, evaluated in closed form instead of the official
/// loop over L clamps (same values, L times less memory in training): with k = clamp(⌊x·L⌋, 0, L−1) and
/// t = clamp(x − k/L, 0, 1/L), ψ(x) = (Σ_{i&lt;k} p_i + L·p_k·t) / (Σ_j p_j + 1e-30), because segments below k are
/// full (width 1/L), segment k is partial and segments above k are empty.
/// </summary>
public static class CurveRendering
{
    /// <summary>x: (N, 3, H, W); p: (N, 3, L). Returns ψ(x) per channel, (N, 3, H, W).</summary>
    public static Tensor Render(Tensor x, Tensor p)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long levels = p.shape[2];
        var flat = x.reshape(n, c, h * w);
        var k = flat.detach().mul(TorchScalars.Of(levels)).floor_().clamp_(TorchScalars.Of(0), TorchScalars.Of(levels - 1)).to_type(ScalarType.Int64);
        var t = (flat - k.to_type(flat.dtype).div(TorchScalars.Of(levels))).clamp(TorchScalars.Of(0), TorchScalars.Of(1.0 / levels));
        var sum = p.sum(2, keepdim: true).Plus(1e-30);
        var below = p.cumsum(2) - p; // exclusive prefix sums
        var y = (below.gather(2, k).Plus(p.gather(2, k).mul(TorchScalars.Of(levels)) * t)) / sum;
        return y.view(n, c, h, w).MoveToOuterDisposeScope();
    }
}
