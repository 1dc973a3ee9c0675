using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Pitié &amp; Kokaram 2007, "The linear Monge-Kantorovitch linear colour mapping for example-based colour
/// transfer": the affine RGB map <c>x' = T·(x − μs) + μt</c> with
/// <c>T = Σs^{-1/2} (Σs^{1/2} Σt Σs^{1/2})^{1/2} Σs^{-1/2}</c>, the optimal-transport (least displacement) map between
/// Gaussians; it takes the foreground covariance Σs exactly to the background covariance Σt. Matrix square roots
/// come from a Jacobi eigendecomposition (<see cref="SymmetricEigen3"/>). Regularisation: eigenvalues of Σs are
/// floored at max(1e-6·λmax, 0.01) (0-255 units, i.e. std 0.1 level) so a flat or rank-deficient foreground
/// (e.g. grey) gives a finite map; eigenvalues of the middle term are floored at 0.
/// </summary>
public sealed class MongeKantorovichTransfer : IHarmonizer
{
    /// <summary>Registry name.</summary>
    public const string Name = "mkl";

    /// <summary>Describes the method for the registry.</summary>
    public static HarmonizerDescriptor Descriptor => new(Name,
        "Pitié & Kokaram 2007 linear Monge-Kantorovich map: affine RGB map taking the foreground's mean/covariance to the background's.",
        [], _ => new MongeKantorovichTransfer());

    /// <summary>The map from RGB moments (0-255 units) of foreground (source) and background (target).</summary>
    public static AffineColorTransform FromMoments(MomentSums foreground, MomentSums background)
    {
        RegionStatistics.RequireBothRegions(foreground, background);
        var cs = foreground.Covariance;
        var ct = background.Covariance;
        var (values, _) = SymmetricEigen3.Decompose(cs);
        double floor = Math.Max(1e-6 * Math.Max(values.X, Math.Max(values.Y, values.Z)), 0.01);
        var sHalf = SymmetricEigen3.Apply(cs, Math.Sqrt, floor);
        var sInvHalf = SymmetricEigen3.Apply(cs, v => 1 / Math.Sqrt(v), floor);
        var middle = SymmetricEigen3.Apply(sHalf * ct * sHalf, Math.Sqrt, 0);
        var t = sInvHalf * middle * sInvHalf;
        return AffineColorTransform.Centered(t, foreground.Mean, background.Mean);
    }

    /// <inheritdoc />
    public IForegroundMap Fit(RgbImage composite, Mask mask)
    {
        var m = RegionStatistics.GatherRgb(composite, mask)[0];
        return new ColorTransformMap(FromMoments(m.Foreground, m.Background));
    }

}
