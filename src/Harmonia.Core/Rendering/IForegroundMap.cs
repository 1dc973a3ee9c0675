namespace Harmonia.Core.Rendering;

/// <summary>
/// What a method computed for one composite (statistics, curves, a field, a network image): the foreground colour
/// function f, rendered at full resolution by <see cref="ForegroundRenderer"/> as <c>out = f(c)·m + c·(1 − m)</c>.
/// Immutable and thread-safe; it holds no native resource, so it stays valid after its method is disposed.
/// <para>What a map may assume: the renderer calls it only for pixels whose soft alpha is above 0, never for the
/// background, and blends its colours with the alpha itself; composite and mask have the same size; the composite
/// it maps may be the very buffer the renderer writes (rendering in place), so a map reads each source pixel only
/// for the run it is asked for.</para>
/// </summary>
public interface IForegroundMap
{
    /// <summary>
    /// This map with only <paramref name="strength"/> of its change: 0 maps every colour to itself, 1 is this map.
    /// Parametric maps blend their parameters (curves toward the identity, fields toward zero change); others blend
    /// their colours toward the composite's. <paramref name="strength"/> in [0, 1].
    /// </summary>
    IForegroundMap AtStrength(float strength);

    /// <summary>
    /// Binds the map to a <paramref name="width"/> x <paramref name="height"/> image (per-column tables, upsampled
    /// rows); the result is shared by all rendering threads.
    /// </summary>
    IForegroundRows ForImage(int width, int height);
}

/// <summary>
/// A map bound to one image size: colours for runs of foreground pixels of one row. Thread-safe; per-row state lives
/// in the scratch the renderer hands to each worker.
/// </summary>
public interface IForegroundRows
{
    /// <summary>Floats of per-worker scratch (0 when the map needs none).</summary>
    int ScratchLength { get; }

    /// <summary>Prepares row <paramref name="y"/> (e.g. interpolates a grid down to this row) before its first run.</summary>
    void BeginRow(int y, Span<float> scratch);

    /// <summary>
    /// Writes f of the pixels [x, x + n) of row <paramref name="y"/> into <paramref name="foreground"/>: <paramref name="source"/>
    /// holds those n pixels' interleaved RGB bytes (3n), <paramref name="foreground"/> receives 3n bytes.
    /// </summary>
    void Map(int y, int x, ReadOnlySpan<byte> source, Span<byte> foreground, ReadOnlySpan<float> scratch);
}

/// <summary>Checks shared by the maps.</summary>
public static class MapStrength
{
    /// <summary>Throws unless <paramref name="strength"/> is in [0, 1].</summary>
    public static void Require(float strength)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new ArgumentOutOfRangeException(nameof(strength), "Strength must be in [0, 1].");
    }

    /// <summary><c>round(source + strength·(mapped − source))</c> per byte, in place in <paramref name="mapped"/> (strength &lt; 1 only).</summary>
    public static void TowardSource(ReadOnlySpan<byte> source, Span<byte> mapped, float strength)
    {
        for (int i = 0; i < mapped.Length; i++) mapped[i] = (byte)MathF.Round(source[i] + strength * (mapped[i] - source[i]));
    }
}
