using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;

namespace Harmonia.Data.Synthesis;

/// <summary>What the quality gate measures of a synthetic composite against its real photo.</summary>
/// <param name="Scores">Core's scores under the canonical protocol (<see cref="MetricProtocols.Harmonia"/>: binary mask
/// at its threshold, peak 255), without SSIM; fMSE is NaN when the foreground is empty.</param>
/// <param name="ClippedFraction">Fraction of foreground pixels with at least two channels newly at 0 or 255 (NaN when
/// the foreground is empty).</param>
public readonly record struct CompositeError(ImageScores Scores, double ClippedFraction)
{
    /// <summary>fMSE of the composite (<see cref="ImageScores.Fmse"/>).</summary>
    public double ForegroundMse => Scores.Fmse;
}

/// <summary>
/// The iHarmony4-style acceptance rule of a synthetic composite: its fMSE (Core's metric) must be visible but not
/// absurd, and it must not clip too much of the foreground.
/// </summary>
public static class CompositeQuality
{
    /// <summary>Default minimum fMSE: below it the change is too small to see (RMS ≈ 7 levels).</summary>
    public const double DefaultMinForegroundMse = 50;
    /// <summary>Default maximum fMSE: above it the foreground is unrecognisable (RMS ≈ 100 levels).</summary>
    public const double DefaultMaxForegroundMse = 10000;
    /// <summary>Default maximum fraction of newly clipped foreground pixels.</summary>
    public const double DefaultMaxClippedFraction = 0.5;

    /// <summary>Errors of <paramref name="composite"/> against <paramref name="real"/> (same size) under <paramref name="mask"/>.</summary>
    public static CompositeError Measure(RgbImage composite, RgbImage real, Mask mask)
    {
        var scores = MetricProtocols.Harmonia.ScoreErrors(composite, real, mask);
        var c = composite.Pixels;
        var r = real.Pixels;
        int foreground = 0, clipped = 0;
        for (int i = 0; i < real.PixelCount; i++)
        {
            if (!mask.IsForeground(i)) continue;
            foreground++;
            int newlyClipped = 0;
            for (int o = 3 * i; o < 3 * i + 3; o++)
                if ((c[o] == 0 || c[o] == 255) && c[o] != r[o]) newlyClipped++;
            if (newlyClipped >= 2) clipped++;
        }
        return new CompositeError(scores, foreground == 0 ? double.NaN : clipped / (double)foreground);
    }

    /// <summary>
    /// Whether a composite qualifies: visible (fMSE ≥ min), not absurd (fMSE ≤ max, clipping ≤ max fraction).
    /// An empty foreground (NaN) never qualifies.
    /// </summary>
    public static bool Accept(CompositeError e, double minFmse = DefaultMinForegroundMse, double maxFmse = DefaultMaxForegroundMse,
        double maxClipped = DefaultMaxClippedFraction) =>
        e.ForegroundMse >= minFmse && e.ForegroundMse <= maxFmse && e.ClippedFraction <= maxClipped;
}
