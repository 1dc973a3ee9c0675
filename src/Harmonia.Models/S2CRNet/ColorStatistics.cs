using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// Harmonia option (<see cref="S2CRNetConfig.ColorStats"/>): explicit colour statistics of an encoder input appended
/// to its pooled features, the quantities classical colour transfer works from. For each channel: the mean and
/// standard deviation and a soft histogram of <see cref="Bins"/> triangular bins, over the pixels the input carries
/// (fg = composite·alpha and bg = composite·(1 − alpha) are zero outside their region, so a pixel counts when its
/// channel sum exceeds half a level). Computed from the network input itself, so training and inference agree.
/// </summary>
public static class ColorStatistics
{
    /// <summary>Histogram bins per channel.</summary>
    public const int Bins = 8;

    /// <summary>Values per image: 3 × (mean, std, <see cref="Bins"/> bins).</summary>
    public const int Width = 3 * (2 + Bins);

    /// <summary>(M, 3, S, S) in [0, 1] → (M, <see cref="Width"/>).</summary>
    public static Tensor Compute(Tensor images)
    {
        using var scope = NewDisposeScope();
        long m = images.shape[0];
        var x = images.reshape(m, 3, -1);
        var valid = x.sum(1, keepdim: true).gt(TorchScalars.Of(0.5 / 255)).to_type(ScalarType.Float32);   // (M, 1, P)
        var count = valid.sum(2).clamp_min(TorchScalars.Of(1));                                               // (M, 1)
        var mean = (x * valid).sum(2) / count;                                                                // (M, 3)
        var centered = (x - mean.unsqueeze(2)) * valid;
        var std = (centered.Squared().sum(2) / count).Plus(1e-8).sqrt();
        // Triangular bins centred at (b + 0.5)/Bins with half-width 1/Bins: each value splits between two bins.
        var centers = torch.arange(TorchScalars.OfInteger(Bins), dtype: ScalarType.Float32).Plus(0.5).div(TorchScalars.Of(Bins)).view(1, 1, Bins, 1);
        var weight = (x.unsqueeze(2) - centers).abs().mul(TorchScalars.Of(Bins)).neg().Plus(1).clamp_min(TorchScalars.Of(0));
        var histogram = (weight * valid.unsqueeze(2)).sum(3) / count.unsqueeze(2);                           // (M, 3, Bins)
        return torch.cat([mean, std, histogram.reshape(m, 3 * Bins)], 1).MoveToOuterDisposeScope();
    }
}
