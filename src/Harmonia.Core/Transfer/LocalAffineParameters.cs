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
    public IForegroundMap Map(float strength = 1f) => Field.AtStrength(strength);

    /// <inheritdoc />
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not LocalAffineParameters o) throw new ArgumentException($"Cannot interpolate a local affine field with '{other.Kind}' parameters.", nameof(other));
        return new LocalAffineParameters(Field.Blend(o.Field, t));
    }

    /// <inheritdoc />
    public string ToJson() => Field.ToJson();
}
