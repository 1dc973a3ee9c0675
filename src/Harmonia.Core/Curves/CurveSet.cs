using Harmonia.Core.Rendering;

namespace Harmonia.Core.Curves;

/// <summary>
/// A cascade of per-channel curves: <c>Stages × 3 channels × Levels</c> parameters (stage-major, then R, G, B).
/// Stage n maps the output of stage n−1; stage 0 maps the composite. Channels never mix.
/// </summary>
public sealed class CurveSet
{
    /// <summary>Number of cascaded stages N (≥ 1).</summary>
    public int Stages { get; }

    /// <summary>Number of levels L per curve (≥ 1).</summary>
    public int Levels { get; }

    /// <summary>Parameters p, index <c>(stage·3 + channel)·Levels + level</c>.</summary>
    public float[] Parameters { get; }

    /// <summary>Wraps <paramref name="parameters"/> (length stages·3·levels; not copied).</summary>
    public CurveSet(int stages, int levels, float[] parameters)
    {
        if (stages < 1) throw new ArgumentOutOfRangeException(nameof(stages), "At least one stage.");
        if (levels < 1) throw new ArgumentOutOfRangeException(nameof(levels), "At least one level.");
        if (parameters.Length != stages * 3 * levels)
            throw new ArgumentException($"Expected {stages * 3 * levels} parameters ({stages} stages x 3 channels x {levels} levels), got {parameters.Length}.");
        Stages = stages;
        Levels = levels;
        Parameters = parameters;
    }

    /// <summary>A cascade whose every curve is the identity (all p equal to 1).</summary>
    public static CurveSet Identity(int stages, int levels) =>
        new(stages, levels, Enumerable.Repeat(1f, stages * 3 * levels).ToArray());

    /// <summary>The L parameters of one curve.</summary>
    public ReadOnlySpan<float> Curve(int stage, int channel) => Parameters.AsSpan((stage * 3 + channel) * Levels, Levels);

    /// <summary>The whole cascade for one channel at x in [0, 1]: ψ_N(…ψ_1(x)).</summary>
    public double EvaluateCascade(int channel, double x)
    {
        for (int s = 0; s < Stages; s++) x = PiecewiseCurve.Evaluate(Curve(s, channel), x);
        return x;
    }

    /// <summary>
    /// The exact table for 8-bit inputs: entry v of channel c is <c>round(255 · clamp(ψ_N(…ψ_1(v/255))))</c>,
    /// blended toward the identity by <paramref name="strength"/> (0 = identity, 1 = the curves).
    /// </summary>
    public ChannelLut ToLut(float strength = 1f) => new CurveParameters(this).ToLut(strength);

    /// <summary>The curve of one stage and channel sampled at the 256 8-bit inputs, in [0, 1] (for display and JSON).</summary>
    public double[] Sample(int stage, int channel)
    {
        var samples = new double[256];
        var p = Curve(stage, channel);
        for (int v = 0; v < 256; v++) samples[v] = PiecewiseCurve.Evaluate(p, v / 255.0);
        return samples;
    }
}
