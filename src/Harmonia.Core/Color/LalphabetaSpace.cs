namespace Harmonia.Core.Color;

/// <summary>
/// Reinhard et al. 2001 "Color transfer between images" lαβ space (Ruderman's decorrelated log-cone space):
/// <code>
/// LMS = M_lms · rgb                      (rgb in [0, 1]; the paper's RGB→LMS matrix)
/// u   = log10(LMS + ε)                   (ε = 1/255: our choice so black is finite and shadows stay stable)
/// lαβ = diag(1/√3, 1/√6, 1/√2) · [[1,1,1],[1,1,−2],[1,−1,0]] · u
/// </code>
/// The inverse uses the exact numerical inverses of both matrices (not the paper's rounded inverse matrix), so a
/// round trip is the identity up to floating point. Scalar double-precision reference; hot paths fold these
/// matrices into one affine map (see <c>ReinhardColorTransform</c>).
/// </summary>
public static class LalphabetaSpace
{
    /// <summary>Offset added to LMS before the logarithm (in [0, 1] units).</summary>
    public const double LogEpsilon = 1.0 / 255.0;

    /// <summary>Linear RGB-to-LMS matrix of Reinhard et al. 2001, eq. 1 (XYZ step folded in by the paper).</summary>
    public static readonly Matrix3 RgbToLms = new(
        0.3811, 0.5783, 0.0402,
        0.1967, 0.7244, 0.0782,
        0.0241, 0.1288, 0.8444);

    /// <summary>Exact inverse of <see cref="RgbToLms"/>.</summary>
    public static readonly Matrix3 LmsToRgb = RgbToLms.Inverse();

    /// <summary>log10-LMS to lαβ (eq. 4 of the paper).</summary>
    public static readonly Matrix3 LogLmsToLab =
        Matrix3.Diagonal(new Vec3(1 / Math.Sqrt(3), 1 / Math.Sqrt(6), 1 / Math.Sqrt(2)))
        * new Matrix3(1, 1, 1, 1, 1, -2, 1, -1, 0);

    /// <summary>Exact inverse of <see cref="LogLmsToLab"/>.</summary>
    public static readonly Matrix3 LabToLogLms = LogLmsToLab.Inverse();

    /// <summary>8-bit RGB (0-255 per channel) to lαβ.</summary>
    public static Vec3 FromRgb(double r, double g, double b)
    {
        var lms = RgbToLms * new Vec3(r / 255, g / 255, b / 255);
        var u = new Vec3(Math.Log10(lms.X + LogEpsilon), Math.Log10(lms.Y + LogEpsilon), Math.Log10(lms.Z + LogEpsilon));
        return LogLmsToLab * u;
    }

    /// <summary>lαβ to RGB in 0-255 units, not clamped or rounded.</summary>
    public static Vec3 ToRgb(Vec3 lab)
    {
        var u = LabToLogLms * lab;
        var lms = new Vec3(Math.Pow(10, u.X) - LogEpsilon, Math.Pow(10, u.Y) - LogEpsilon, Math.Pow(10, u.Z) - LogEpsilon);
        return 255 * (LmsToRgb * lms);
    }
}
