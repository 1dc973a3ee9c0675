using Harmonia.Core.Color;
using Harmonia.Core.Randomness;

namespace Harmonia.Training.Data;

/// <summary>
/// Ranges of the scene-look augmentation: with probability <see cref="Probability"/> a training sample is re-toned by
/// one global colour map — the real photo and the composite alike, or all of the composite but its foreground
/// (<see cref="Scope"/>) — so the scenes a network sees are not all lit neutrally. Why: every synthetic composite is made from an untouched photo, so most backgrounds are near-neutral
/// daylight and a network can learn an absolute prior ("white clothes are white") instead of the relation the task is
/// about (the foreground should carry the background's light). Either scope keeps each pair a valid harmonization
/// task: the target is G(real) for the drawn look G, and the composite's foreground is G(P(real)) (whole) or P(real)
/// (scene) for the sample's perturbation P. The ranges are milder than the <c>cast</c> family's, because a whole scene's white balance
/// and exposure vary less than the gap between two cameras.
/// </summary>
public sealed record SceneLookOptions
{
    /// <summary>Chance that a training sample is re-toned (0 = never).</summary>
    public double Probability { get; init; }

    /// <summary>What the look re-tones: the whole sample (default) or the scene only (see <see cref="SceneLookScope"/>).</summary>
    public SceneLookScope Scope { get; init; } = SceneLookScope.Whole;

    /// <summary>Exposure in EV, drawn uniformly in [−Exposure, Exposure]: linear light × 2^EV.</summary>
    public double Exposure { get; init; } = 0.5;

    /// <summary>Temperature t, drawn uniformly in [−Temperature, Temperature]: linear R × e^t, B × e^−t (positive = warmer).</summary>
    public double Temperature { get; init; } = 0.35;

    /// <summary>Tint, drawn uniformly in [−Tint, Tint]: linear G × e^tint (negative = magenta).</summary>
    public double Tint { get; init; } = 0.15;

    /// <summary>Throws <see cref="ArgumentException"/> for values out of range.</summary>
    public void Validate()
    {
        if (Probability is < 0 or > 1 || double.IsNaN(Probability)) throw new ArgumentException("The scene-look probability must be in [0, 1].");
        if (Exposure is < 0 or > 3 || Temperature is < 0 or > 1 || Tint is < 0 or > 1)
            throw new ArgumentException("Scene-look ranges must be non-negative (exposure ≤ 3 EV, temperature and tint ≤ 1).");
    }

    /// <summary>
    /// Draws a look from <paramref name="rng"/>: first whether to re-tone (one draw), then exposure, temperature and
    /// tint (three more draws, only when it does). Returns null for "leave the sample as it is".
    /// </summary>
    public SceneLook? Draw(SeededRandom rng)
    {
        if (!(Probability > 0) || !rng.Chance(Probability)) return null;
        double ev = rng.Uniform(-Exposure, Exposure), t = rng.Uniform(-Temperature, Temperature), tint = rng.Uniform(-Tint, Tint);
        double exposure = Math.Pow(2, ev);
        return new SceneLook((float)(exposure * Math.Exp(t)), (float)(exposure * Math.Exp(tint)), (float)(exposure * Math.Exp(-t)));
    }
}

/// <summary>Which pixels a scene look re-tones.</summary>
public enum SceneLookScope
{
    /// <summary>
    /// Composite and real photo alike, foreground included: the pasted foreground already carries the scene's light,
    /// so the task is the sample's own perturbation in a tinted scene.
    /// </summary>
    Whole,

    /// <summary>
    /// The real photo and the composite's background; the composite's foreground keeps the untinted photo's light, as
    /// a foreground pasted from elsewhere would. The target then asks the network to carry the scene's look into the
    /// foreground, on top of undoing the sample's perturbation.
    /// </summary>
    Scene,
}

/// <summary>
/// One drawn scene look: per-channel gains in linear light, <c>y_c = clamp(srgb(lin(x_c) · g_c), 0, 1)</c> on sRGB values
/// in [0, 1] — the white-balance/exposure step of the <c>cast</c> family, applied to a whole image.
/// </summary>
/// <param name="GainR">Linear-light gain of red.</param>
/// <param name="GainG">Linear-light gain of green.</param>
/// <param name="GainB">Linear-light gain of blue.</param>
public readonly record struct SceneLook(float GainR, float GainG, float GainB)
{
    /// <summary>The look applied to one sRGB value in [0, 1] of channel <paramref name="channel"/> (0 = R, 1 = G, 2 = B).</summary>
    public float Apply(float value, int channel) => Srgb.ScaleLinear(value, Gain(channel));

    float Gain(int channel) => channel switch { 0 => GainR, 1 => GainG, _ => GainB };

    /// <summary>
    /// Applies the look in place to planar RGB (<c>3 · plane</c> floats: R plane, G plane, B plane; values in [0, 1]).
    /// With <paramref name="keep"/> (<c>plane</c> floats, e.g. a binary foreground mask), pixels where it is ≥ 0.5 are
    /// left as they are.
    /// </summary>
    public void ApplyPlanar(Span<float> planar, int plane, ReadOnlySpan<float> keep = default)
    {
        if (planar.Length != 3 * plane) throw new ArgumentException($"Expected 3·{plane} planar values, got {planar.Length}.");
        if (!keep.IsEmpty && keep.Length != plane) throw new ArgumentException($"Expected {plane} mask values, got {keep.Length}.");
        for (int c = 0; c < 3; c++)
        {
            var channel = planar.Slice(c * plane, plane);
            float gain = Gain(c);
            for (int i = 0; i < channel.Length; i++)
                if (keep.IsEmpty || keep[i] < 0.5f) channel[i] = Srgb.ScaleLinear(channel[i], gain);
        }
    }
}
