using Harmonia.Core.Color;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// HAdobe5k-style global photo edits (as if a different retoucher had edited the foreground). Each edit is enabled
/// with probability 0.6 (at least one always is) and applied in this order:
/// <list type="bullet">
/// <item><c>exposure</c> EV in [-1, 1]: linear light × 2^EV;</item>
/// <item><c>temperature</c> in [-0.35, 0.35]: linear R × e^t, B × e^-t (positive = warmer);</item>
/// <item><c>tint</c> in [-0.2, 0.2]: linear G × e^tint (positive = greener, negative = magenta);</item>
/// <item><c>contrast</c> in [0.65, 1.5]: sRGB (x − 0.5)·c + 0.5;</item>
/// <item><c>saturation</c> in [0.5, 1.6]: blend with Rec.601 luma;</item>
/// <item><c>curve</c> in [-0.5, 0.5]: tone curve y = x − k·sin(2πx)/(2π) (k &gt; 0 an S-curve, always monotonic);</item>
/// <item><c>gamma</c> in [0.65, 1.5]: y = x^(1/γ).</item>
/// </list>
/// These are the ranges at strength 1. <see cref="WithStrength"/> scales them about the neutral edit: additive ones
/// (exposure, temperature, tint, curve) by s, multiplicative ones (contrast, saturation, gamma) in log space (a range
/// [a, b] becomes [a^s, b^s]); the curve stays within ±0.95 so it remains monotonic. At strength 1 the composites
/// average an fMSE near 700 at 256², a third of iHarmony4's HAdobe5k (≈ 2,050), which a strength near 1.9 matches (1.7 gives 1,740; 2 gives 2,158).
/// </summary>
public sealed class RetouchFamily : IPerturbationFamily
{
    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "retouch";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "HAdobe5k-style global photo edits by another retoucher (HRetouch)";

    /// <inheritdoc />
    public string Subset => "HRetouch";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; }

    /// <inheritdoc />
    public double Strength { get; }

    /// <summary>The family at strength 1 (the documented ranges).</summary>
    public RetouchFamily() : this(1) { }

    RetouchFamily(double strength)
    {
        Strength = strength;
        static ParameterRange Additive(double min, double max, double s, double limit = double.PositiveInfinity) =>
            new(Math.Max(-limit, min * s), Math.Min(limit, max * s));
        static ParameterRange Multiplicative(double min, double max, double s) => new(Math.Pow(min, s), Math.Pow(max, s));
        Ranges = new Dictionary<string, ParameterRange>
        {
            ["exposure"] = Additive(-1, 1, strength),
            ["temperature"] = Additive(-0.35, 0.35, strength),
            ["tint"] = Additive(-0.2, 0.2, strength),
            ["contrast"] = Multiplicative(0.65, 1.5, strength),
            ["saturation"] = Multiplicative(0.5, 1.6, strength),
            ["curve"] = Additive(-0.5, 0.5, strength, limit: 0.95),
            ["gamma"] = Multiplicative(0.65, 1.5, strength),
        };
    }

    /// <inheritdoc />
    public IPerturbationFamily? WithStrength(double strength) => strength == Strength ? this : new RetouchFamily(strength);

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng)
    {
        var names = Ranges.Keys.ToArray();
        var enabled = names.Select(_ => rng.Chance(0.6)).ToArray();
        if (!enabled.Any(e => e)) enabled[rng.NextInt(names.Length)] = true;
        var p = new Dictionary<string, object>();
        var values = new double[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            var r = Ranges[names[i]];
            double neutral = names[i] is "contrast" or "saturation" or "gamma" ? 1 : 0;
            values[i] = enabled[i] ? rng.Uniform(r.Min, r.Max) : neutral;
            if (enabled[i]) p[names[i]] = values[i];
        }
        float exposure = MathF.Pow(2f, (float)values[0]);
        float gainR = exposure * MathF.Exp((float)values[1]), gainB = exposure * MathF.Exp(-(float)values[1]);
        float gainG = exposure * MathF.Exp((float)values[2]);
        float contrast = (float)values[3], saturation = (float)values[4], curve = (float)values[5], invGamma = 1f / (float)values[6];
        bool linearStage = enabled[0] || enabled[1] || enabled[2];
        var image = PerturbationFamilies.MapForeground(context.Real, context.Mask, rgb =>
        {
            if (linearStage)
            {
                rgb[0] = Srgb.ScaleLinear(rgb[0], gainR);
                rgb[1] = Srgb.ScaleLinear(rgb[1], gainG);
                rgb[2] = Srgb.ScaleLinear(rgb[2], gainB);
            }
            for (int c = 0; c < 3; c++) rgb[c] = Math.Clamp((rgb[c] - 0.5f) * contrast + 0.5f, 0f, 1f);
            float y = Srgb.Luma(rgb[0], rgb[1], rgb[2]);
            for (int c = 0; c < 3; c++)
            {
                float v = Math.Clamp(y + (rgb[c] - y) * saturation, 0f, 1f);
                v -= curve * MathF.Sin(2f * MathF.PI * v) / (2f * MathF.PI);
                rgb[c] = MathF.Pow(Math.Clamp(v, 0f, 1f), invGamma);
            }
        });
        return new Perturbation(image, p);
    }
}
