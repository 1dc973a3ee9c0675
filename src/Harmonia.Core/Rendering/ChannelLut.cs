using System.Runtime.CompilerServices;
namespace Harmonia.Core.Rendering;

/// <summary>
/// A 256-entry lookup table per channel (R table, then G, then B): the exact form of any per-channel curve on 8-bit
/// input (curve methods, histogram matching). Immutable and thread-safe.
/// </summary>
public sealed class ChannelLut : IColorTransform
{
    readonly byte[] table;

    /// <summary>Wraps a 768-byte table (not copied): entries [0, 256) for R, [256, 512) for G, [512, 768) for B.</summary>
    public ChannelLut(byte[] table)
    {
        if (table.Length != 3 * 256) throw new ArgumentException("A channel table has 768 entries (3 channels x 256).");
        this.table = table;
    }

    /// <summary>From three 256-entry tables (R, G, B); they are copied.</summary>
    public ChannelLut(ReadOnlySpan<byte> red, ReadOnlySpan<byte> green, ReadOnlySpan<byte> blue)
    {
        if (red.Length != 256 || green.Length != 256 || blue.Length != 256) throw new ArgumentException("Each table needs 256 entries.");
        table = [.. red, .. green, .. blue];
    }

    /// <summary>Entry <paramref name="value"/> of channel <paramref name="channel"/> (0 = R).</summary>
    public byte this[int channel, int value] => table[channel * 256 + value];

    /// <summary>The 256 entries of channel <paramref name="channel"/> (0 = R).</summary>
    public ReadOnlySpan<byte> Table(int channel) => table.AsSpan(channel * 256, 256);

    /// <summary>The identity table.</summary>
    public static ChannelLut Identity()
    {
        var t = new byte[768];
        for (int i = 0; i < 768; i++) t[i] = (byte)(i & 255);
        return new ChannelLut(t);
    }

    /// <summary>Entries blended toward the identity: <c>round(v + strength·(t[v] − v))</c>, rounding half to even.</summary>
    public IColorTransform TowardIdentity(float strength)
    {
        var t = new byte[768];
        for (int i = 0; i < 768; i++)
        {
            int v = i & 255;
            t[i] = (byte)MathF.Round(v + strength * (table[i] - v));
        }
        return new ChannelLut(t);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ReadOnlySpan<byte> r = table.AsSpan(0, 256), g = table.AsSpan(256, 256), b = table.AsSpan(512, 256);
        int n = source.Length - source.Length % 3;
        for (int i = 0; i < n; i += 3)
        {
            destination[i] = r[source[i]];
            destination[i + 1] = g[source[i + 1]];
            destination[i + 2] = b[source[i + 2]];
        }
    }
}
