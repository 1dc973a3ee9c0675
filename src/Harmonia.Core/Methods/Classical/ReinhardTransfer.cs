using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Reinhard et al. 2001, "Color transfer between images": in lαβ space (<see cref="LalphabetaSpace"/>) each channel
/// of the foreground is shifted and scaled so its mean and standard deviation equal the background's:
/// <c>lab' = σ_bg/σ_fg · (lab − μ_fg) + μ_bg</c>. Statistics use every pixel of the binary foreground and of the
/// background (pixels outside the binary mask). Because lαβ is linear in log-LMS, the whole map is affine in
/// log-LMS and is rendered by <see cref="LogLmsAffineTransform"/>. Resolution-independent (means over pixels).
/// </summary>
public sealed class ReinhardTransfer : IHarmonizer
{
    /// <summary>Lower bound of a foreground lαβ standard deviation, so a flat foreground does not divide by zero (log10 units: about 0.2% in intensity).</summary>
    const double MinStd = 1e-3;

    /// <summary>Registry name.</summary>
    public const string Name = "reinhard";

    /// <summary>Describes the method for the registry.</summary>
    public static HarmonizerDescriptor Descriptor => new(Name,
        "Reinhard et al. 2001: match the foreground's per-channel mean and std in lαβ space to the background's.",
        [], _ => new ReinhardTransfer());

    /// <summary>lαβ = <see cref="LabFromLnLms"/> · ln(LMS + ε): the lαβ matrix with log10 = ln / ln 10 folded in.</summary>
    public static readonly Matrix3 LabFromLnLms = (1 / Math.Log(10)) * LalphabetaSpace.LogLmsToLab;

    /// <summary>
    /// Builds the log-LMS affine map from ln-LMS moments of foreground (source) and background (target). Each lαβ
    /// std ratio σt/σs is clamped to [1/<paramref name="maxGain"/>, <paramref name="maxGain"/>] (no clamp by default;
    /// the synthetic-data transfer family clamps so a flat reference cannot blow a foreground up).
    /// </summary>
    public static LogLmsAffineTransform FromMoments(MomentSums foreground, MomentSums background, double maxGain = double.PositiveInfinity)
    {
        RegionStatistics.RequireBothRegions(foreground, background);
        var l = LabFromLnLms;
        var lt = l.Transpose();
        var muS = l * foreground.Mean;
        var muT = l * background.Mean;
        var varS = (l * foreground.Covariance * lt).Diag;
        var varT = (l * background.Covariance * lt).Diag;
        double Gain(double vt, double vs) => Math.Clamp(Math.Sqrt(vt) / Math.Max(Math.Sqrt(vs), MinStd), 1 / maxGain, maxGain);
        var d = new Vec3(Gain(varT.X, varS.X), Gain(varT.Y, varS.Y), Gain(varT.Z, varS.Z));
        var dm = Matrix3.Diagonal(d);
        var lInv = l.Inverse();
        // u' = L⁻¹ (D (L u − μs) + μt) = (L⁻¹ D L) u + L⁻¹ (μt − D μs)
        return new LogLmsAffineTransform(lInv * dm * l, lInv * (muT - dm * muS));
    }

    /// <inheritdoc />
    public IForegroundMap Fit(RgbImage composite, Mask mask)
    {
        var moments = LogLmsStatistics.Gather(composite, mask);
        return new ColorTransformMap(FromMoments(moments.Foreground, moments.Background));
    }

}
