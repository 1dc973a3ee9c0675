using Harmonia.Core.Color;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// Copy-paste style global gaps (HCast): the foreground looks as if it came from another camera — a different
/// exposure and white balance, a different tone response and black level. A per-channel gain in linear light, then a
/// per-channel gamma and offset in sRGB, per channel c:
/// <c>y_c = clamp(srgb(lin(x_c) · g_c))^(1/γ_c) + o_c</c> with
/// g_R = 2^EV·e^t, g_G = 2^EV·e^tint, g_B = 2^EV·e^−t; γ_R = γ·e^s, γ_G = γ, γ_B = γ·e^−s;
/// o_R = o + o_r, o_G = o, o_B = o + o_b. Parameters:
/// <list type="bullet">
/// <item><c>exposure</c> EV in [-1.6, 1.6] (always);</item>
/// <item><c>temperature</c> t in [-0.7, 0.7] (always; positive = warmer);</item>
/// <item><c>tint</c> in [-0.4, 0.4] (always; positive = greener, negative = magenta);</item>
/// <item><c>gamma</c> γ in [0.6, 1.6] and <c>gamma_cast</c> s in [-0.2, 0.2] (together, probability 0.5): a tone
/// response whose colour differs between shadows and highlights;</item>
/// <item><c>offset</c> o in [-0.06, 0.1], <c>offset_r</c>, <c>offset_b</c> in [-0.05, 0.05] (together, probability
/// 0.5): lifted or crushed, possibly coloured blacks (haze, flare, a different black point).</item>
/// </list>
/// The magnitudes are chosen so composite fMSE spans mild to strong casts (see docs/data.md for the measured spread).
/// </summary>
public sealed class CastFamily : IPerturbationFamily
{
    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "cast";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "copy-paste camera gaps: exposure, white balance, tone response and black level (HCast)";

    /// <inheritdoc />
    public string Subset => "HCast";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>
    {
        ["exposure"] = new(-1.6, 1.6),
        ["temperature"] = new(-0.7, 0.7),
        ["tint"] = new(-0.4, 0.4),
        ["gamma"] = new(0.6, 1.6),
        ["gamma_cast"] = new(-0.2, 0.2),
        ["offset"] = new(-0.06, 0.1),
        ["offset_r"] = new(-0.05, 0.05),
        ["offset_b"] = new(-0.05, 0.05),
    };

    double Draw(string name, SeededRandom rng) => rng.Uniform(Ranges[name].Min, Ranges[name].Max);

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng)
    {
        var p = new Dictionary<string, object>();
        double ev = Draw("exposure", rng), t = Draw("temperature", rng), tint = Draw("tint", rng);
        p["exposure"] = ev;
        p["temperature"] = t;
        p["tint"] = tint;
        double gamma = 1, gammaCast = 0, offset = 0, offsetR = 0, offsetB = 0;
        if (rng.Chance(0.5))
        {
            // Log-uniform, so brightening and darkening responses are equally likely.
            gamma = Math.Exp(rng.Uniform(Math.Log(Ranges["gamma"].Min), Math.Log(Ranges["gamma"].Max)));
            gammaCast = Draw("gamma_cast", rng);
            p["gamma"] = gamma;
            p["gamma_cast"] = gammaCast;
        }
        if (rng.Chance(0.5))
        {
            offset = Draw("offset", rng);
            offsetR = Draw("offset_r", rng);
            offsetB = Draw("offset_b", rng);
            p["offset"] = offset;
            p["offset_r"] = offsetR;
            p["offset_b"] = offsetB;
        }
        float exposure = MathF.Pow(2f, (float)ev);
        float[] gain = [exposure * MathF.Exp((float)t), exposure * MathF.Exp((float)tint), exposure * MathF.Exp(-(float)t)];
        float[] invGamma = [(float)(1 / (gamma * Math.Exp(gammaCast))), (float)(1 / gamma), (float)(1 / (gamma * Math.Exp(-gammaCast)))];
        float[] add = [(float)(offset + offsetR), (float)offset, (float)(offset + offsetB)];
        var image = PerturbationFamilies.MapForeground(context.Real, context.Mask, rgb =>
        {
            for (int c = 0; c < 3; c++)
            {
                float v = Srgb.ScaleLinear(rgb[c], gain[c]);
                rgb[c] = MathF.Pow(v, invGamma[c]) + add[c];
            }
        });
        return new Perturbation(image, p);
    }
}
