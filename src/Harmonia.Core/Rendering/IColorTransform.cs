namespace Harmonia.Core.Rendering;

/// <summary>
/// A per-pixel colour mapping (the same function at every position), applied to runs of interleaved RGB bytes.
/// Implementations must be thread-safe: the renderer calls <see cref="Apply"/> on many rows in parallel.
/// </summary>
public interface IColorTransform
{
    /// <summary>Maps <c>source.Length / 3</c> RGB pixels into <paramref name="destination"/> (same length).</summary>
    void Apply(ReadOnlySpan<byte> source, Span<byte> destination);
}
