using Harmonia.Core.Imaging;
using Harmonia.Data.Color;
using Harmonia.Data.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// HCOCO/HFlickr-style colour transfer: the foreground's colour statistics are moved toward those of another photo's
/// foreground (see <see cref="ReferencePool"/>: same split, same object label preferred). Parameters:
/// <list type="bullet">
/// <item><c>method</c>: one of "reinhard" (lαβ mean/std, Reinhard 2001), "meanstd" (RGB mean/std per channel),
/// "histogram" (per-channel CDF matching), "mkl" (Monge-Kantorovich linear map on RGB mean/covariance), uniformly;</item>
/// <item><c>strength</c> in [0.5, 1]: out = x + strength·(T(x) − x);</item>
/// <item>std ratios of reinhard/meanstd are clamped to [0.33, 3] and covariances get +4 on the diagonal (0-255
/// scale) so flat references cannot blow the foreground up.</item>
/// </list>
/// Without a reference pool (a single photo) the family falls back to its own statistics shifted by nothing, which
/// the quality check then rejects.
/// </summary>
public sealed class TransferFamily : IPerturbationFamily
{
    /// <summary>Transfer method names.</summary>
    public static readonly string[] Methods = ["reinhard", "meanstd", "histogram", "mkl"];

    const double MinRatio = 0.33, MaxRatio = 3.0, CovarianceRidge = 4.0;

    /// <inheritdoc />
    public string Name => "transfer";
    /// <inheritdoc />
    public string Subset => "HTransfer";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>
    {
        ["strength"] = new(0.5, 1.0),
    };

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SampleRng rng)
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
        var map = BuildMap(method, src, reference.Stats);
        float s = (float)strength;
        var image = PerturbationFamilies.MapForeground(context.Real, context.Mask, rgb =>
        {
            float r0 = rgb[0], g0 = rgb[1], b0 = rgb[2];
            map(rgb);
            rgb[0] = r0 + s * (rgb[0] - r0);
            rgb[1] = g0 + s * (rgb[1] - g0);
            rgb[2] = b0 + s * (rgb[2] - b0);
        });
        return new Perturbation(image, p);
    }

    /// <summary>The full-strength transfer map for a method (RGB in [0,1], in place).</summary>
    public static PerturbationFamilies.PixelMap BuildMap(string method, ForegroundStats src, ForegroundStats dst)
    {
        switch (method)
        {
            case "reinhard":
            {
                var ratio = Enumerable.Range(0, 3).Select(c => Ratio(dst.LabStd[c], src.LabStd[c])).ToArray();
                return rgb =>
                {
                    var (l, a, b) = ColorMath.RgbToLab(rgb[0], rgb[1], rgb[2]);
                    l = (l - src.LabMean[0]) * ratio[0] + dst.LabMean[0];
                    a = (a - src.LabMean[1]) * ratio[1] + dst.LabMean[1];
                    b = (b - src.LabMean[2]) * ratio[2] + dst.LabMean[2];
                    var (r, g, bb) = ColorMath.LabToRgb(l, a, b);
                    rgb[0] = (float)r; rgb[1] = (float)g; rgb[2] = (float)bb;
                };
            }
            case "meanstd":
            {
                var ratio = Enumerable.Range(0, 3).Select(c => Ratio(dst.RgbStd(c), src.RgbStd(c))).ToArray();
                return rgb =>
                {
                    for (int c = 0; c < 3; c++)
                        rgb[c] = (float)(((rgb[c] * 255 - src.RgbMean[c]) * ratio[c] + dst.RgbMean[c]) / 255);
                };
            }
            case "histogram":
            {
                var luts = Enumerable.Range(0, 3).Select(c => MatchHistogram(src.Histograms[c], dst.Histograms[c])).ToArray();
                return rgb =>
                {
                    for (int c = 0; c < 3; c++) rgb[c] = luts[c][ColorMath.ToByte(rgb[c])] / 255f;
                };
            }
            case "mkl":
            {
                var cs = Ridge(src.RgbCov);
                var ct = Ridge(dst.RgbCov);
                var t = SymmetricMatrix3.MongeKantorovich(cs, ct);
                return rgb =>
                {
                    double x0 = rgb[0] * 255 - src.RgbMean[0], x1 = rgb[1] * 255 - src.RgbMean[1], x2 = rgb[2] * 255 - src.RgbMean[2];
                    for (int c = 0; c < 3; c++)
                        rgb[c] = (float)((t[c * 3] * x0 + t[c * 3 + 1] * x1 + t[c * 3 + 2] * x2 + dst.RgbMean[c]) / 255);
                };
            }
            default:
                throw new ArgumentException($"Unknown transfer method '{method}'.", nameof(method));
        }
    }

    static double Ratio(double target, double source) => Math.Clamp(target / Math.Max(source, 1e-6), MinRatio, MaxRatio);

    static double[] Ridge(double[] cov)
    {
        var c = (double[])cov.Clone();
        c[0] += CovarianceRidge; c[4] += CovarianceRidge; c[8] += CovarianceRidge;
        return c;
    }

    /// <summary>Classic CDF matching: each source level maps to the first target level whose CDF reaches its CDF.</summary>
    public static byte[] MatchHistogram(int[] source, int[] target)
    {
        var lut = new byte[256];
        double sTotal = source.Sum(), tTotal = target.Sum();
        if (sTotal == 0 || tTotal == 0)
        {
            for (int i = 0; i < 256; i++) lut[i] = (byte)i;
            return lut;
        }
        var tCdf = new double[256];
        double acc = 0;
        for (int i = 0; i < 256; i++) { acc += target[i]; tCdf[i] = acc / tTotal; }
        acc = 0;
        int j = 0;
        for (int i = 0; i < 256; i++)
        {
            acc += source[i];
            double cdf = acc / sTotal;
            while (j < 255 && tCdf[j] < cdf - 1e-12) j++;
            lut[i] = (byte)j;
        }
        return lut;
    }
}
