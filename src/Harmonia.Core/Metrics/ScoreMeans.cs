namespace Harmonia.Core.Metrics;

/// <summary>
/// The field's aggregate of per-image scores: the mean of each metric over the images (not the metric of pooled
/// errors). The one rule for values that are not numbers: non-finite per-image values (+∞ PSNR of an exact match,
/// NaN foreground metrics of an empty mask, NaN SSIM when it was not computed) are left out of the mean and counted
/// in <see cref="NonFinite"/>; a mean with no finite value is NaN. Used by evaluation, dataset statistics and
/// training validation alike.
/// </summary>
/// <param name="Count">Number of images.</param>
/// <param name="Means">One mean per metric, in the order of <see cref="ImageScores.MetricNames"/>.</param>
/// <param name="NonFinite">Per metric name (MSE, PSNR, …) the number of images left out, only when non-zero.</param>
public sealed record ScoreMeans(int Count, IReadOnlyList<double> Means, IReadOnlyDictionary<string, int> NonFinite)
{
    /// <summary>Mean MSE.</summary>
    public double Mse => Means[0];
    /// <summary>Mean PSNR.</summary>
    public double Psnr => Means[1];
    /// <summary>Mean fMSE.</summary>
    public double Fmse => Means[2];
    /// <summary>Mean fPSNR.</summary>
    public double Fpsnr => Means[3];
    /// <summary>Mean SSIM.</summary>
    public double Ssim => Means[4];
    /// <summary>Mean fSSIM.</summary>
    public double Fssim => Means[5];

    /// <summary>Aggregates <paramref name="scores"/> (possibly empty: every mean is then NaN).</summary>
    public static ScoreMeans Of(IReadOnlyCollection<ImageScores> scores)
    {
        var names = ImageScores.MetricNames;
        var sums = new double[names.Count];
        var counts = new int[names.Count];
        foreach (var s in scores)
        {
            var v = s.Values();
            for (int k = 0; k < v.Length; k++)
            {
                if (!double.IsFinite(v[k])) continue;
                sums[k] += v[k];
                counts[k]++;
            }
        }
        var means = new double[names.Count];
        var nonFinite = new Dictionary<string, int>();
        for (int k = 0; k < names.Count; k++)
        {
            means[k] = counts[k] == 0 ? double.NaN : sums[k] / counts[k];
            if (counts[k] < scores.Count) nonFinite[names[k]] = scores.Count - counts[k];
        }
        return new ScoreMeans(scores.Count, means, nonFinite);
    }
}
