namespace Harmonia.Core.Metrics;

/// <summary>
/// The scores of one prediction against its real image under one <see cref="MetricProtocol"/>.
/// Values follow IEEE semantics: a PSNR is +∞ when the error is exactly zero (identical images), and the foreground
/// metrics are NaN when the (binary) mask has no foreground pixel. Aggregation excludes non-finite values and
/// counts them (see <c>docs/metrics.md</c>).
/// </summary>
/// <param name="Mse">Mean squared error over all pixels and channels, in squared 8-bit levels (0-65025).</param>
/// <param name="Psnr">10·log10(peak² / MSE) in dB; the peak is the protocol's.</param>
/// <param name="Fmse">Mean squared error over the foreground pixels and their three channels.</param>
/// <param name="Fpsnr">10·log10(peak² / fMSE) in dB.</param>
/// <param name="Ssim">Mean SSIM (11x11 Gaussian window, σ 1.5), per RGB channel then averaged over channels.</param>
/// <param name="Fssim">The same SSIM map averaged over the foreground pixels only.</param>
public sealed record ImageScores(double Mse, double Psnr, double Fmse, double Fpsnr, double Ssim, double Fssim)
{
    /// <summary>Names of the metrics in table order, as used in reports.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["MSE", "PSNR", "fMSE", "fPSNR", "SSIM", "fSSIM"];

    /// <summary>The values in the order of <see cref="MetricNames"/>.</summary>
    public double[] Values() => [Mse, Psnr, Fmse, Fpsnr, Ssim, Fssim];
}
