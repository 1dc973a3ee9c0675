using Harmonia.Core.Imaging;

namespace Harmonia.Core.Metrics;

/// <summary>
/// PCT-Net's full-resolution evaluation (rakutentech/PCT-Net-Image-Harmonization, <c>iharm/inference/metrics.py</c>),
/// the protocol of its per-image result CSVs. Original resolution; the mask is soft, m = level / 255 of the mask
/// file (PCT-Net reads the first channel of <c>cv2.imread</c>; Harmonia's mask value, which equals it for gray
/// masks), never thresholded; d = p − r in 0-255 units.
/// <list type="bullet">
/// <item>MSE = Σ m·d² / (H·W·3): the mean over all values with background errors multiplied by 0 (not the usual
/// full-image MSE).</item>
/// <item>PSNR = 10·log10(255² / (MSE + 1e-6)).</item>
/// <item>fMSE = Σ m·d² / (3·Σm + 1e-6), Σm over pixels.</item>
/// <item>SSIM = SSIM of p·m + r·(1 − m) against r (pytorch_msssim: 11x11 Gaussian σ 1.5, valid window, L = 255).</item>
/// </list>
/// Not in PCT-Net, added so the table is complete: fPSNR = 10·log10(255² / (fMSE + 1e-6)); fSSIM = that SSIM map
/// averaged with weights m. An empty mask (Σm = 0) gives NaN foreground metrics, where PCT-Net's code would print 0.
/// The <c>--mask-threshold</c> plays no part in the scores.
/// </summary>
public sealed class PctNetProtocol : MetricProtocol
{
    /// <summary>The protocol's name.</summary>
    public const string ProtocolName = "pctnet";

    /// <summary>The stabilizer PCT-Net adds to the MSE in PSNR and to 3·Σm in fMSE.</summary>
    public const double Epsilon = 1e-6;

    /// <inheritdoc />
    public override string Name => ProtocolName;

    /// <inheritdoc />
    public override string Description => "PCT-Net full resolution: soft mask m, MSE = mean of m·d², fMSE = Σm·d² / (3·Σm), PSNR peak 255 with +1e-6";

    /// <inheritdoc />
    protected override (RgbImage Real, byte[] Foreground) PrepareReference(RgbImage real, Mask mask)
    {
        var foreground = new byte[mask.Alpha.Length];
        for (int i = 0; i < foreground.Length; i++) foreground[i] = mask.Alpha[i] > 0f ? (byte)1 : (byte)0;
        return (real, foreground);
    }

    /// <inheritdoc />
    protected override byte[]? SoftLevels(Mask mask)
    {
        var levels = new byte[mask.Alpha.Length];
        for (int i = 0; i < levels.Length; i++) levels[i] = (byte)MathF.Round(Math.Clamp(mask.Alpha[i], 0f, 1f) * 255f);
        return levels;
    }

    /// <inheritdoc />
    protected override ImageScores ScoreAtEvaluationResolution(ScoringReference reference, RgbImage p, bool withSsim)
    {
        var real = reference.Real;
        var levels = reference.SoftLevels!;
        int pixels = real.PixelCount;
        var (_, weightedSse) = PixelErrors.WeightedSquaredErrors(p, real, levels);
        long levelSum = 0;
        foreach (var l in levels) levelSum += l;
        // Σ m·d² and Σm with m = level / 255.
        double maskedSse = weightedSse / 255.0, maskSum = levelSum / 255.0;
        double mse = maskedSse / (3.0 * pixels);
        double fmse = levelSum == 0 ? double.NaN : maskedSse / (3.0 * maskSum + Epsilon);
        if (!withSsim) return new ImageScores(mse, StabilizedPsnr(mse), fmse, StabilizedPsnr(fmse), double.NaN, double.NaN);
        var map = BlendedSsimMap(p, real, levels);
        return new ImageScores(
            mse, StabilizedPsnr(mse), fmse, StabilizedPsnr(fmse),
            Ssim.Mean(map, real.Width, real.Height), Ssim.WeightedMean(map, levels));
    }

    /// <summary>10·log10(255² / (<paramref name="mse"/> + 1e-6)): finite for an exact match; NaN stays NaN.</summary>
    public static double StabilizedPsnr(double mse) => 10 * Math.Log10(255.0 * 255.0 / (mse + Epsilon));

    /// <summary>The SSIM map of p·m + r·(1 − m) against r; in bytes when the mask is binary (the blend is then exact).</summary>
    static float[] BlendedSsimMap(RgbImage p, RgbImage real, byte[] levels)
    {
        bool soft = Array.Exists(levels, l => l is not (0 or 255));
        if (!soft)
        {
            var blend = real.Clone();
            for (int i = 0; i < levels.Length; i++)
                if (levels[i] == 255) p.Pixels.AsSpan(3 * i, 3).CopyTo(blend.Pixels.AsSpan(3 * i, 3));
            return Ssim.Map(blend, real);
        }
        var x = new float[p.Pixels.Length];
        for (int i = 0; i < levels.Length; i++)
        {
            float m = levels[i] / 255f;
            for (int c = 3 * i; c < 3 * i + 3; c++) x[c] = m * p.Pixels[c] + (1 - m) * real.Pixels[c];
        }
        return Ssim.Map(x, real);
    }
}
