using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;

namespace Harmonia.Core.Metrics;

/// <summary>
/// The real image and binary foreground a protocol scores predictions against, already brought to the protocol's
/// evaluation resolution. Prepare once per sample, score several predictions (the composite, the method's output).
/// </summary>
/// <param name="Real">The real (ground-truth) image at evaluation resolution.</param>
/// <param name="Foreground">W·H bytes at evaluation resolution, 1 = foreground.</param>
/// <param name="ForegroundCount">Number of ones in <paramref name="Foreground"/>.</param>
/// <param name="OriginalWidth">Width of the original real image; predictions must have this size.</param>
/// <param name="OriginalHeight">Height of the original real image.</param>
public sealed record ScoringReference(RgbImage Real, byte[] Foreground, int ForegroundCount, int OriginalWidth, int OriginalHeight)
{
    /// <summary>
    /// W·H soft mask levels 0-255 (weight = level / 255) at evaluation resolution, for protocols that weight errors
    /// by the soft mask (<see cref="PctNetProtocol"/>); null for protocols that use only <see cref="Foreground"/>.
    /// </summary>
    public byte[]? SoftLevels { get; init; }
}

/// <summary>
/// A named way of computing the field's metrics (MSE, PSNR, fMSE, fPSNR, SSIM, fSSIM): the resolution it scores at,
/// how the mask is binarized, the PSNR peak and the fMSE normalization. Codebases differ on each of these, so the
/// protocol is always reported next to the numbers. Subclasses define the differences; the scoring is shared.
/// See <c>docs/metrics.md</c> for the formulas. Instances are immutable and thread-safe.
/// </summary>
public abstract class MetricProtocol : Registry.INamedEntry
{
    /// <summary>The name used on the command line and in reports, lower case.</summary>
    public abstract string Name { get; }

    /// <summary>One line describing the protocol.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Brings the real image and the mask to evaluation resolution and binarizes the mask.
    /// Throws <see cref="HarmoniaException"/> when the mask and the real image differ in size.
    /// </summary>
    /// <param name="real">The real image, W x H RGB.</param>
    /// <param name="mask">The sample's mask, W x H (soft alpha; binarized per the protocol).</param>
    public ScoringReference Prepare(RgbImage real, Mask mask)
    {
        if (mask.Width != real.Width || mask.Height != real.Height)
            throw new HarmoniaException($"Mask is {mask.Width}x{mask.Height} but the real image is {real.Width}x{real.Height}.");
        var (evalReal, foreground) = PrepareReference(real, mask);
        int count = 0;
        foreach (var b in foreground) count += b;
        return new ScoringReference(evalReal, foreground, count, real.Width, real.Height) { SoftLevels = SoftLevels(mask) };
    }

    /// <summary>
    /// Scores <paramref name="prediction"/> (same size as the original real image) against a prepared reference.
    /// </summary>
    public ImageScores Score(ScoringReference reference, RgbImage prediction) => Score(reference, prediction, withSsim: true);

    /// <summary>
    /// Scores MSE, PSNR, fMSE and fPSNR only (SSIM and fSSIM are NaN): the same numbers as <see cref="Score(ScoringReference, RgbImage)"/>
    /// without SSIM's cost, for the synthetic-data quality gate, dataset statistics and training validation.
    /// </summary>
    public ImageScores ScoreErrors(ScoringReference reference, RgbImage prediction) => Score(reference, prediction, withSsim: false);

    ImageScores Score(ScoringReference reference, RgbImage prediction, bool withSsim)
    {
        if (prediction.Width != reference.OriginalWidth || prediction.Height != reference.OriginalHeight)
            throw new HarmoniaException(
                $"Prediction is {prediction.Width}x{prediction.Height} but the real image is {reference.OriginalWidth}x{reference.OriginalHeight}.");
        return ScoreAtEvaluationResolution(reference, ToEvaluationResolution(prediction, reference.Real.Width, reference.Real.Height), withSsim);
    }

    /// <summary>
    /// Scores a prediction already at evaluation resolution. The default: MSE over all values, fMSE by
    /// <see cref="ForegroundMse"/> over the binary foreground, PSNR/fPSNR with <see cref="PsnrPeak"/>, SSIM on the
    /// images and fSSIM over the binary foreground (NaN when <paramref name="withSsim"/> is false).
    /// The empty-mask rule: with no foreground pixel, fMSE, fPSNR and fSSIM are NaN (never 0).
    /// </summary>
    protected virtual ImageScores ScoreAtEvaluationResolution(ScoringReference reference, RgbImage p, bool withSsim)
    {
        var real = reference.Real;
        int pixels = real.PixelCount;
        var (sse, fgSse) = PixelErrors.SquaredErrors(p, real, reference.Foreground);
        double mse = sse / (3.0 * pixels);
        double fmse = reference.ForegroundCount == 0 ? double.NaN : ForegroundMse(fgSse, reference.ForegroundCount, pixels);
        double peak = PsnrPeak(p, real);
        if (!withSsim) return new ImageScores(mse, Psnr(mse, peak), fmse, Psnr(fmse, peak), double.NaN, double.NaN);
        var map = Ssim.Map(p, real, SsimDataRange);
        return new ImageScores(
            mse, Psnr(mse, peak), fmse, Psnr(fmse, peak),
            Ssim.Mean(map, real.Width, real.Height), Ssim.ForegroundMean(map, reference.Foreground));
    }

    /// <summary>Prepares and scores in one call (for a single prediction).</summary>
    public ImageScores Score(RgbImage prediction, RgbImage real, Mask mask) => Score(Prepare(real, mask), prediction);

    /// <summary>Prepares and scores without SSIM in one call (see <see cref="ScoreErrors(ScoringReference, RgbImage)"/>).</summary>
    public ImageScores ScoreErrors(RgbImage prediction, RgbImage real, Mask mask) => ScoreErrors(Prepare(real, mask), prediction);

    /// <summary>
    /// 10·log10(peak² / mse): +∞ when <paramref name="mse"/> is 0 (identical images), NaN when it is NaN.
    /// </summary>
    public static double Psnr(double mse, double peak) =>
        double.IsNaN(mse) ? double.NaN : mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak / mse);

    /// <summary>The real image at evaluation resolution and the binary foreground (W·H bytes of 0/1) there.</summary>
    protected abstract (RgbImage Real, byte[] Foreground) PrepareReference(RgbImage real, Mask mask);

    /// <summary>
    /// The soft mask as 8-bit levels at evaluation resolution for <see cref="ScoringReference.SoftLevels"/>;
    /// null (the default) when the protocol uses only the binary foreground.
    /// </summary>
    protected virtual byte[]? SoftLevels(Mask mask) => null;

    /// <summary>The prediction at evaluation resolution (<paramref name="width"/> x <paramref name="height"/>). The default: the input itself (original resolution).</summary>
    protected virtual RgbImage ToEvaluationResolution(RgbImage prediction, int width, int height) => prediction;

    /// <summary>The PSNR peak for this prediction (both images at evaluation resolution). The default: 255.</summary>
    protected virtual double PsnrPeak(RgbImage prediction, RgbImage real) => 255;

    /// <summary>
    /// fMSE from the foreground sum of squared errors (over pixels and channels), the foreground pixel count and the
    /// image's pixel count. The default: the mean over foreground values, Σ_fg / (N_fg·3).
    /// </summary>
    protected virtual double ForegroundMse(long foregroundSse, int foregroundCount, int pixelCount) =>
        foregroundSse / (3.0 * foregroundCount);

    /// <summary>SSIM's L (data range). 255: the protocols score 8-bit images.</summary>
    protected virtual double SsimDataRange => 255;
}
