using System.Runtime.CompilerServices;
namespace Harmonia.Core.Rendering;

/// <summary>
/// A per-pixel colour mapping (the same function at every position), applied to runs of interleaved RGB bytes.
/// Implementations must be thread-safe: the renderer calls <see cref="Apply"/> on many rows in parallel.
/// </summary>
public interface IColorTransform
{
    /// <summary>Maps <c>source.Length / 3</c> RGB pixels into <paramref name="destination"/> (same length).</summary>
    void Apply(ReadOnlySpan<byte> source, Span<byte> destination);

    /// <summary>
    /// The transform with only <paramref name="strength"/> of its change, when it can say so in its own parameters
    /// (a table blended toward the identity); null when it cannot, and then
    /// <see cref="ColorTransformMap"/> blends the mapped colours toward the source instead.
    /// </summary>
    IColorTransform? TowardIdentity(float strength) => null;
}

/// <summary>A position-independent colour map: an <see cref="IColorTransform"/> at a strength.</summary>
public sealed class ColorTransformMap : IForegroundMap, IForegroundRows
{
    readonly float strength;

    /// <summary>Wraps <paramref name="transform"/> at full strength.</summary>
    public ColorTransformMap(IColorTransform transform) : this(transform, 1f) { }

    ColorTransformMap(IColorTransform transform, float strength)
    {
        Transform = transform;
        this.strength = strength;
    }

    /// <summary>The per-pixel colour map.</summary>
    public IColorTransform Transform { get; }

    /// <inheritdoc />
    public IForegroundMap AtStrength(float strength)
    {
        MapStrength.Require(strength);
        if (strength >= 1f) return this;
        float combined = strength * this.strength;
        return Transform.TowardIdentity(combined) is { } folded ? new ColorTransformMap(folded) : new ColorTransformMap(Transform, combined);
    }

    /// <inheritdoc />
    public IForegroundRows ForImage(int width, int height) => this;

    /// <inheritdoc />
    public int ScratchLength => 0;

    /// <inheritdoc />
    public void BeginRow(int y, Span<float> scratch) { }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> scratch)
    {
        Transform.Apply(source, foreground);
        if (strength < 1f) MapStrength.TowardSource(source, foreground, strength);
    }
}
