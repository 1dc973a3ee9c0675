using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods.Classical;
using Harmonia.Core.Randomness;
using Harmonia.Core.Rendering;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// HCOCO/HFlickr-style colour transfer: the foreground's colour statistics are moved toward those of another photo's
/// foreground (see <see cref="ReferencePool"/>: same split, same object label preferred). Parameters:
/// <list type="bullet">
/// <item><c>method</c>: one of "reinhard" (lαβ mean/std, Reinhard 2001), "meanstd" (RGB mean/std per channel),
/// "histogram" (per-channel CDF matching), "mkl" (Monge-Kantorovich linear map on RGB mean/covariance), uniformly;
/// each is Core's classical method (<see cref="BuildTransform"/>) fitted from this foreground to the reference's;</item>
/// <item><c>strength</c> in [0.5, 1]: out = round(x + strength·(T(x) − x)) with T(x) Core's 8-bit output;</item>
/// <item>std ratios of reinhard/meanstd are clamped to [1/3, 3] and covariances get +4 on the diagonal (0-255
/// scale) so flat references cannot blow the foreground up.</item>
/// </list>
/// Without a reference pool (a single photo) the family falls back to its own statistics shifted by nothing, which
/// the quality check then rejects.
/// </summary>
public sealed class TransferFamily : IPerturbationFamily
{
    /// <summary>Transfer method names.</summary>
    public static readonly string[] Methods = ["reinhard", "meanstd", "histogram", "mkl"];

    const double MaxRatio = 3.0, CovarianceRidge = 4.0;

    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "transfer";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "HCOCO/HFlickr-style colour transfer from another photo's foreground (HTransfer)";

    /// <inheritdoc />
    public string Subset => "HTransfer";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>
    {
        ["strength"] = new(0.5, 1.0),
    };

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng)
    {
        var method = rng.Pick(Methods);
        double strength = rng.Uniform(0.5, 1.0);
        var reference = context.References?.Pick(rng, context.Stem, context.ObjectLabel);
        var src = context.Stats;
        var p = new Dictionary<string, object>
        {
            ["method"] = method,
            ["strength"] = strength,
            ["reference"] = reference?.Stem ?? "",
            ["reference_label"] = reference?.ObjectLabel ?? "",
        };
        if (reference is null || src is null) return new Perturbation(context.Real.Clone(), p);
        return new Perturbation(ApplyWithStrength(context.Real, BuildTransform(method, src, reference.Stats), strength), p);
    }

    /// <summary>
    /// The full-strength transfer of a method as a Core colour transform (8-bit RGB in and out), built by Core's
    /// classical methods from the two foregrounds' statistics: <see cref="ReinhardTransfer"/>,
    /// <see cref="AffineColorTransform"/> (per-channel mean/std), <see cref="HistogramMatching"/> and
    /// <see cref="MongeKantorovichTransfer"/>.
    /// </summary>
    public static IColorTransform BuildTransform(string method, ForegroundStatistics source, ForegroundStatistics target) => method switch
    {
        "reinhard" => ReinhardTransfer.FromMoments(source.LnLms, target.LnLms, MaxRatio),
        "meanstd" => MeanStd(source.Rgb, target.Rgb),
        "histogram" => HistogramMatching.FromHistograms(source.Histograms, target.Histograms),
        "mkl" => MongeKantorovichTransfer.FromMoments(Ridge(source.Rgb), Ridge(target.Rgb)),
        _ => throw new ArgumentException($"Unknown transfer method '{method}'.", nameof(method)),
    };

    /// <summary>
    /// <paramref name="real"/> with every pixel moved a fraction <paramref name="strength"/> of the way to its
    /// transformed value: round(x + strength·(T(x) − x)). The whole image is mapped; the blend uses only the foreground.
    /// </summary>
    public static RgbImage ApplyWithStrength(RgbImage real, IColorTransform transform, double strength)
    {
        var output = new RgbImage(real.Width, real.Height);
        float s = (float)strength;
        for (int y = 0; y < real.Height; y++)
        {
            var source = real.Row(y);
            var row = output.Row(y);
            transform.Apply(source, row);
            for (int i = 0; i < row.Length; i++) row[i] = (byte)(source[i] + s * (row[i] - source[i]) + 0.5f);
        }
        return output;
    }

    // x' = μt + D·(x − μs) with D the clamped per-channel std ratios.
    static AffineColorTransform MeanStd(MomentSums source, MomentSums target)
    {
        Vec3 ss = source.Std, st = target.Std;
        var gain = new Vec3(Ratio(st.X, ss.X), Ratio(st.Y, ss.Y), Ratio(st.Z, ss.Z));
        return AffineColorTransform.Centered(Matrix3.Diagonal(gain), source.Mean, target.Mean);
    }

    static double Ratio(double target, double source) => Math.Clamp(target / Math.Max(source, 1e-6), 1 / MaxRatio, MaxRatio);

    // The same moments with CovarianceRidge added to each channel's variance: Σxᵢ² grows by n·ridge.
    static MomentSums Ridge(MomentSums m)
    {
        var ridged = new MomentSums();
        ridged.Add(m);
        double add = m.Count * CovarianceRidge;
        ridged.Add([0, 0, 0, 0, add, 0, 0, add, 0, add]);
        return ridged;
    }
}
