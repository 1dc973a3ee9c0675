using Harmonia.Core.Imaging;

namespace Harmonia.Data.Synthesis;

/// <summary>Composite-vs-real error with the canonical protocol: peak 255, binary mask at its threshold.</summary>
/// <param name="Mse">Mean squared error over all pixels and channels.</param>
/// <param name="ForegroundMse">fMSE: foreground squared error / (foreground pixels · 3); 0 when the foreground is empty.</param>
/// <param name="Psnr">10·log10(255² / MSE), +∞ when identical.</param>
/// <param name="ClippedFraction">Fraction of foreground pixels with at least two channels newly at 0 or 255.</param>
public readonly record struct CompositeError(double Mse, double ForegroundMse, double Psnr, double ClippedFraction);

/// <summary>
/// The metric formulas of the dataset tools, kept in one function so they can be swapped for Core's metrics later,
/// and the iHarmony4-style acceptance rule of a synthetic composite.
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
        if (composite.Width != real.Width || composite.Height != real.Height || mask.Width != real.Width || mask.Height != real.Height)
            throw new ArgumentException("Composite, real and mask sizes differ.");
        var c = composite.Pixels;
        var r = real.Pixels;
        double total = 0, fg = 0;
        int fgCount = 0, clipped = 0;
        for (int i = 0; i < real.PixelCount; i++)
        {
            int o = 3 * i;
            double e = 0;
            int newlyClipped = 0;
            for (int k = 0; k < 3; k++)
            {
                double d = c[o + k] - r[o + k];
                e += d * d;
                if ((c[o + k] == 0 || c[o + k] == 255) && c[o + k] != r[o + k]) newlyClipped++;
            }
            total += e;
            if (!mask.IsForeground(i)) continue;
            fg += e;
            fgCount++;
            if (newlyClipped >= 2) clipped++;
        }
        double mse = total / (real.PixelCount * 3.0);
        double fmse = fgCount == 0 ? 0 : fg / (fgCount * 3.0);
        double psnr = mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
        return new CompositeError(mse, fmse, psnr, fgCount == 0 ? 0 : clipped / (double)fgCount);
    }

    /// <summary>Whether a composite qualifies: visible (fMSE ≥ min), not absurd (fMSE ≤ max, clipping ≤ max fraction).</summary>
    public static bool Accept(CompositeError e, double minFmse = DefaultMinForegroundMse, double maxFmse = DefaultMaxForegroundMse,
        double maxClipped = DefaultMaxClippedFraction) =>
        e.ForegroundMse >= minFmse && e.ForegroundMse <= maxFmse && e.ClippedFraction <= maxClipped;
}
