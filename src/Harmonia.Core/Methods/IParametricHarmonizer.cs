using Harmonia.Core.Imaging;

namespace Harmonia.Core.Methods;

/// <summary>
/// What a parametric method predicted for one composite (for curve methods: three per-channel curves). Rendering
/// them again at any strength, after an edit, or smoothed over video frames needs no network pass.
/// Immutable and thread-safe.
/// </summary>
public interface IHarmonizationParameters
{
    /// <summary>The parameter family, e.g. <c>"curves"</c>; only parameters of one kind interpolate with each other.</summary>
    string Kind { get; }

    /// <summary>
    /// Renders the parameters under <paramref name="mask"/> at the composite's resolution.
    /// </summary>
    /// <param name="composite">8-bit RGB, W x H (any size: the parameters do not depend on the size they were predicted at).</param>
    /// <param name="mask">Same W x H soft alpha; where alpha is 0 the output bytes equal the composite's.</param>
    /// <param name="strength">0 = the composite, 1 = as predicted; values in between blend the mapping toward the identity.</param>
    RgbImage Render(RgbImage composite, Mask mask, float strength = 1f);

    /// <summary>
    /// <see cref="Render"/> into a caller-owned W x H image (reuse it on hot paths such as video frames). The default
    /// renders and copies; parameters that render row by row (curves) write straight into it.
    /// </summary>
    void RenderInto(RgbImage composite, Mask mask, float strength, RgbImage destination) =>
        Render(composite, mask, strength).Pixels.AsSpan().CopyTo(destination.Pixels);

    /// <summary>
    /// The parameters (1 − t)·this + t·<paramref name="other"/>, blended in the space of the rendered function (so a
    /// moving average over frames averages what the user sees). t in [0, 1]; <paramref name="other"/> must be of the same <see cref="Kind"/>.
    /// </summary>
    IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t);

    /// <summary>The parameters as a readable JSON document (for curves the <c>harmonia-curves</c> format).</summary>
    string ToJson();
}

/// <summary>
/// A method split into a prediction (network or statistics, once per composite) and a full-resolution render of
/// the predicted parameters. <see cref="IHarmonizer.Harmonize"/> equals <c>Predict(c, m).Render(c, m)</c>.
/// </summary>
public interface IParametricHarmonizer : IHarmonizer
{
    /// <summary>Predicts the parameters for <paramref name="composite"/> (8-bit RGB, W x H) under <paramref name="mask"/> (same size, not empty).</summary>
    IHarmonizationParameters Predict(RgbImage composite, Mask mask);
}
