using Harmonia.Core.Color;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// Hday2night-style global illumination change of the foreground, computed in linear light:
/// <list type="bullet">
/// <item><c>mode</c>: "darken" (probability 0.6, dusk/night) or "brighten" (midday sun);</item>
/// <item><c>exposure</c> EV: darken in [-2.5, -0.6], brighten in [0.4, 1.3] (so overall [-2.5, 1.3]); linear × 2^EV;</item>
/// <item><c>temperature</c> in [-0.5, 0.5]: linear R × e^t, B × e^-t (colour of the new illuminant);</item>
/// <item><c>saturation</c> in [0.6, 1.15]: blend with luma (dim light looks less colourful);</item>
/// <item><c>ambient</c> in [0, 0.03]: linear light added (sky fill that lifts the blacks at night).</item>
/// </list>
/// </summary>
public sealed class DaylightFamily : IPerturbationFamily
{
    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "daylight";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "Hday2night-style illumination change in linear light (HDaylight)";

    /// <inheritdoc />
    public string Subset => "HDaylight";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>
    {
        ["exposure"] = new(-2.5, 1.3),
        ["temperature"] = new(-0.5, 0.5),
        ["saturation"] = new(0.6, 1.15),
        ["ambient"] = new(0, 0.03),
    };

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng)
    {
        bool darken = rng.Chance(0.6);
        double ev = darken ? rng.Uniform(-2.5, -0.6) : rng.Uniform(0.4, 1.3);
        double temperature = rng.Uniform(-0.5, 0.5);
        double saturation = rng.Uniform(0.6, 1.15);
        double ambient = darken ? rng.Uniform(0, 0.03) : 0;
        float gain = MathF.Pow(2f, (float)ev);
        float gr = gain * MathF.Exp((float)temperature), gb = gain * MathF.Exp(-(float)temperature);
        float sat = (float)saturation, amb = (float)ambient;
        var image = PerturbationFamilies.MapForeground(context.Real, context.Mask, rgb =>
        {
            float r = Srgb.ToLinear(rgb[0]) * gr + amb;
            float g = Srgb.ToLinear(rgb[1]) * gain + amb;
            float b = Srgb.ToLinear(rgb[2]) * gb + amb;
            float y = 0.2126f * r + 0.7152f * g + 0.0722f * b;
            rgb[0] = Srgb.FromLinear(Math.Max(0f, y + (r - y) * sat));
            rgb[1] = Srgb.FromLinear(Math.Max(0f, y + (g - y) * sat));
            rgb[2] = Srgb.FromLinear(Math.Max(0f, y + (b - y) * sat));
        });
        var p = new Dictionary<string, object>
        {
            ["mode"] = darken ? "darken" : "brighten",
            ["exposure"] = ev,
            ["temperature"] = temperature,
            ["saturation"] = saturation,
            ["ambient"] = ambient,
        };
        return new Perturbation(image, p);
    }
}
