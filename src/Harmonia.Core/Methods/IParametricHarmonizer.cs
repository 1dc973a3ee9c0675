using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

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
    /// The parameters as a full-resolution map with only <paramref name="strength"/> of their change (0 = the
    /// composite, 1 = as predicted), blended in the space of the parameters (curves toward the identity, fields toward
    /// zero change).
    /// </summary>
    IForegroundMap Map(float strength = 1f);

    /// <summary>
    /// The parameters (1 − t)·this + t·<paramref name="other"/>, blended in the space of the rendered function (so a
    /// moving average over frames averages what the user sees). t in [0, 1]; <paramref name="other"/> must be of the same <see cref="Kind"/>.
    /// </summary>
    IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t);

    /// <summary>The parameters as a readable JSON document (for curves the <c>harmonia-curves</c> format).</summary>
    string ToJson();
}

/// <summary>Renders parameters through their <see cref="IHarmonizationParameters.Map"/> and the one renderer.</summary>
public static class HarmonizationParametersRendering
{
    /// <summary>Renders the parameters under <paramref name="mask"/> at the composite's resolution, into a new image.</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="composite">8-bit RGB, W x H (any size: the parameters do not depend on the size they were predicted at).</param>
    /// <param name="mask">Same W x H soft alpha; where alpha is 0 the output bytes equal the composite's.</param>
    /// <param name="strength">0 = the composite, 1 = as predicted (see <see cref="IHarmonizationParameters.Map"/>).</param>
    public static RgbImage Render(this IHarmonizationParameters parameters, RgbImage composite, Mask mask, float strength = 1f) =>
        ForegroundRenderer.Render(composite, mask, parameters.Map(strength));

    /// <summary>
    /// <see cref="Render"/> into a caller-owned W x H image (reuse it on hot paths such as video frames; it may be the
    /// composite itself).
    /// </summary>
    public static void RenderInto(this IHarmonizationParameters parameters, RgbImage composite, Mask mask, float strength, RgbImage destination) =>
        ForegroundRenderer.Render(composite, mask, parameters.Map(strength), destination);
}

/// <summary>
/// A method split into a prediction (network or statistics, once per composite) and a full-resolution render of
/// the predicted parameters. <see cref="IHarmonizer.Fit"/> is <c>Predict(c, m).Map()</c>.
/// </summary>
public interface IParametricHarmonizer : IHarmonizer
{
    /// <inheritdoc />
    IForegroundMap IHarmonizer.Fit(RgbImage composite, Mask mask) => Predict(composite, mask).Map();

    /// <summary>Predicts the parameters for <paramref name="composite"/> (8-bit RGB, W x H) under <paramref name="mask"/> (same size, not empty).</summary>
    IHarmonizationParameters Predict(RgbImage composite, Mask mask);
}
