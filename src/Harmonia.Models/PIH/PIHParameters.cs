using Harmonia.Core.Curves;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;

namespace Harmonia.Models.PIH;

/// <summary>
/// What PIH predicts for one composite, and what its user edits: global per-channel curves (an exact 8-bit table)
/// and a low-resolution shading (gain) grid over the whole image, with two strengths, <see cref="Color"/> (curves
/// toward the identity, 0..1) and <see cref="Shading"/> (gain toward 1, 0..2). Rendering, at any resolution, is
/// <c>round(curve(c) · 1 + shading·(upsampled gain − 1))</c> under the mask (<see cref="LutGainMap"/>), with no network
/// pass: edit with <see cref="WithCurves"/>, <see cref="WithGain"/>, <see cref="WithStrengths"/>, then render with
/// <see cref="HarmonizationParametersRendering.Render"/>. Immutable and thread-safe.
/// </summary>
public sealed class PIHParameters : IHarmonizationParameters
{
    /// <summary>The kind name.</summary>
    public const string KindName = "pih";

    readonly float[] gain;

    /// <summary>Creates parameters.</summary>
    /// <param name="curves">The curves (any curve parameters: PIH's nodes sampled, an S²CRNet cascade, a hand-made table).</param>
    /// <param name="gain">Row-major <paramref name="gainWidth"/> x <paramref name="gainHeight"/> gains (1 = unchanged), copied.</param>
    /// <param name="gainWidth">Grid width.</param>
    /// <param name="gainHeight">Grid height.</param>
    /// <param name="color">Curve strength in [0, 1].</param>
    /// <param name="shading">Gain strength in [0, 2].</param>
    /// <param name="nodes">The curve nodes the curves came from (3·K, for the curves JSON), or null.</param>
    public PIHParameters(CurveParameters curves, ReadOnlySpan<float> gain, int gainWidth, int gainHeight, float color = 1f, float shading = 1f, float[]? nodes = null)
    {
        if (gainWidth < 1 || gainHeight < 1 || gain.Length != gainWidth * gainHeight)
            throw new ArgumentException($"Expected {gainWidth} x {gainHeight} gain values, got {gain.Length}.", nameof(gain));
        if (!(color >= 0f && color <= 1f)) throw new ArgumentOutOfRangeException(nameof(color), "color must be in [0, 1].");
        if (!(shading >= 0f && shading <= 2f)) throw new ArgumentOutOfRangeException(nameof(shading), "shading must be in [0, 2].");
        Curves = curves;
        this.gain = gain.ToArray();
        for (int i = 0; i < this.gain.Length; i++) if (!float.IsFinite(this.gain[i]) || this.gain[i] < 0f) this.gain[i] = 0f;
        GainWidth = gainWidth;
        GainHeight = gainHeight;
        Color = color;
        Shading = shading;
        Nodes = nodes;
    }

    /// <summary>Identity curves and a unit gain: renders the composite unchanged.</summary>
    public static PIHParameters Identity() => new(CurveParameters.Identity(), [1f], 1, 1);

    /// <summary>The curves.</summary>
    public CurveParameters Curves { get; }

    /// <summary>The curve nodes (3·K: R, G, B) when the curves are PIH's own, else null.</summary>
    public float[]? Nodes { get; }

    /// <summary>The gain grid, row-major <see cref="GainWidth"/> x <see cref="GainHeight"/>.</summary>
    public ReadOnlySpan<float> Gain => gain;

    /// <summary>Gain grid width.</summary>
    public int GainWidth { get; }

    /// <summary>Gain grid height.</summary>
    public int GainHeight { get; }

    /// <summary>Curve strength in [0, 1].</summary>
    public float Color { get; }

    /// <summary>Gain strength in [0, 2].</summary>
    public float Shading { get; }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>These parameters with other curves (e.g. an edited curves file).</summary>
    public PIHParameters WithCurves(CurveParameters curves, float[]? nodes = null) => new(curves, gain, GainWidth, GainHeight, Color, Shading, nodes);

    /// <summary>These parameters with another gain grid (e.g. an edited shading map, any size).</summary>
    public PIHParameters WithGain(ReadOnlySpan<float> grid, int width, int height) => new(Curves, grid, width, height, Color, Shading, Nodes);

    /// <summary>These parameters with other strengths (color 0..1, shading 0..2).</summary>
    public PIHParameters WithStrengths(float color, float shading) => new(Curves, gain, GainWidth, GainHeight, color, shading, Nodes);

    /// <inheritdoc />
    public IForegroundMap Map(float strength = 1f)
    {
        MapStrength.Require(strength);
        return LutGainMap.Create(Curves.ToLut(strength * Color), gain, GainWidth, GainHeight, strength * Shading);
    }

    /// <inheritdoc />
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not PIHParameters o) throw new ArgumentException($"Cannot interpolate PIH parameters with '{other.Kind}' parameters.", nameof(other));
        if (o.GainWidth != GainWidth || o.GainHeight != GainHeight) throw new ArgumentException("PIH parameters interpolate only with gain grids of the same size.", nameof(other));
        var curves = (CurveParameters)Curves.WithStrength(Color).Interpolate(o.Curves.WithStrength(o.Color), t);
        var blended = new float[gain.Length];
        for (int i = 0; i < blended.Length; i++)
        {
            float a = 1f + Shading * (gain[i] - 1f), b = 1f + o.Shading * (o.gain[i] - 1f);
            blended[i] = a + t * (b - a);
        }
        return new PIHParameters(curves, blended, GainWidth, GainHeight);
    }

    /// <inheritdoc />
    public string ToJson() => Nodes is not null ? PIHCurves.ToJson(Nodes) : Curves.ToJson();

    /// <summary>The gain grid as an 8-bit grayscale PNG (value = round(255·min(gain, 1)); gains are at most 1 as predicted).</summary>
    public byte[] GainPng()
    {
        var alpha = new float[gain.Length];
        for (int i = 0; i < alpha.Length; i++) alpha[i] = Math.Clamp(gain[i], 0f, 1f);
        return ImageCodec.EncodeMask(new Mask(GainWidth, GainHeight, alpha));
    }

    /// <summary>Reads a gain grid from an image file (its luminance / 255, any size); bad files: <see cref="HarmoniaException"/>.</summary>
    public static (float[] Gain, int Width, int Height) ReadGainPng(string path)
    {
        var m = ImageCodec.ReadMask(path, channel: MaskChannel.Luminance);
        return (m.Alpha, m.Width, m.Height);
    }
}

/// <summary>Curve strength as curve parameters.</summary>
static class CurveStrength
{
    /// <summary>The curves blended toward the identity by <paramref name="strength"/> (1 = unchanged).</summary>
    public static IHarmonizationParameters WithStrength(this CurveParameters curves, float strength) =>
        strength >= 1f ? curves : CurveParameters.Identity().Interpolate(curves, strength);
}
