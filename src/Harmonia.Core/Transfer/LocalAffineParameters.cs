using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Transfer;

/// <summary>
/// A predicted <see cref="LocalAffineColorTransfer"/> field as method parameters (PHNet's result): rendered at any
/// resolution by applying the per-node affine colour models under the mask, blended toward the identity for
/// strength &lt; 1, interpolated node by node (fields of the same grid only, e.g. frames of one video). Immutable.
/// </summary>
public sealed class LocalAffineParameters(LocalAffineColorTransfer field) : IHarmonizationParameters
{
    /// <summary>The kind name of local affine fields.</summary>
    public const string KindName = "local-affine";

    /// <summary>The field.</summary>
    public LocalAffineColorTransfer Field { get; } = field;

    /// <inheritdoc />
    public string Kind => KindName;

    /// <inheritdoc />
    public RgbImage Render(RgbImage composite, Mask mask, float strength = 1f)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new ArgumentOutOfRangeException(nameof(strength), "Strength must be in [0, 1].");
        var (w, h) = Field.WorkingSize;
        var field = strength >= 1f ? Field : LocalAffineColorTransfer.Identity(w, h, Field.CellSize).Blend(Field, strength);
        return ForegroundRenderer.Blend(composite, field.Apply(composite, mask), mask);
    }

    /// <inheritdoc />
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not LocalAffineParameters o) throw new ArgumentException($"Cannot interpolate a local affine field with '{other.Kind}' parameters.", nameof(other));
        return new LocalAffineParameters(Field.Blend(o.Field, t));
    }

    /// <inheritdoc />
    public string ToJson() => Field.ToJson();
}
