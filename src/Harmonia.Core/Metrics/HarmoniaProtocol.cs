using Harmonia.Core.Imaging;

namespace Harmonia.Core.Metrics;

/// <summary>
/// The canonical protocol: original resolution, the mask binarized at its own threshold (<see cref="Mask.Threshold"/>,
/// the CLI's --mask-threshold, default 0.5), peak 255.
/// MSE = Σ (p − r)² / (H·W·3); fMSE = Σ_fg (p − r)² / (N_fg·3); PSNR = 10·log10(255² / MSE); fPSNR likewise from fMSE
/// (the defaults of <see cref="MetricProtocol"/>).
/// </summary>
public sealed class HarmoniaProtocol : MetricProtocol
{
    /// <summary>The protocol's name.</summary>
    public const string ProtocolName = "harmonia";

    /// <inheritdoc />
    public override string Name => ProtocolName;

    /// <inheritdoc />
    public override string Description => "original resolution, binary mask at the mask threshold, peak 255";

    /// <inheritdoc />
    protected override (RgbImage Real, byte[] Foreground) PrepareReference(RgbImage real, Mask mask) => (real, mask.ToBinary());
}
