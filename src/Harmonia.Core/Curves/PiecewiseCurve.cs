namespace Harmonia.Core.Curves;

/// <summary>
/// The S²CRNet piecewise-linear curve (paper eq. 1 with its 1/L scaling, as the official <c>CF</c> function):
/// <c>ψ(x) = (L / Σ_j p_j) · Σ_i p_i · clamp(x − i/L, 0, 1/L)</c> for x in [0, 1] and L = p.Length levels.
/// Segment i has slope <c>L·p_i / Σp</c>, so with all p ≥ 0 the curve is monotone, ψ(0) = 0 and ψ(1) = 1;
/// equal p give the identity.
/// </summary>
public static class PiecewiseCurve
{
    /// <summary>Guards the division like the official code's <c>+ 1e-30</c>.</summary>
    public const float SumEpsilon = 1e-30f;

    /// <summary>Evaluates ψ at <paramref name="x"/> (not clamped: inputs outside [0, 1] give the curve's flat ends).</summary>
    /// <param name="p">The L curve parameters of one channel.</param>
    public static double Evaluate(ReadOnlySpan<float> p, double x)
    {
        int levels = p.Length;
        double sum = 0, acc = 0, width = 1.0 / levels;
        for (int i = 0; i < levels; i++)
        {
            sum += p[i];
            double t = Math.Clamp(x - i * width, 0.0, width);
            acc += p[i] * t;
        }
        return acc * levels / (sum + SumEpsilon);
    }
}
