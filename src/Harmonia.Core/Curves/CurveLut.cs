using Harmonia.Core.Rendering;

namespace Harmonia.Core.Curves;

/// <summary>
/// A per-channel 256-entry lookup table (R table, then G, then B): the exact form of any per-channel curve on
/// 8-bit inputs. Thread-safe; used by <see cref="ForegroundRenderer"/> on many rows in parallel.
/// </summary>
public sealed class CurveLut : IColorTransform
{
    readonly byte[] table;

    /// <summary>Wraps a 768-byte table: entries [0, 256) for R, [256, 512) for G, [512, 768) for B.</summary>
    public CurveLut(byte[] table)
    {
        if (table.Length != 3 * 256) throw new ArgumentException("A curve table has 768 entries (3 channels x 256).");
        this.table = table;
    }

    /// <summary>Entry v of channel c.</summary>
    public byte this[int channel, int value] => table[channel * 256 + value];

    /// <summary>The identity table.</summary>
    public static CurveLut Identity()
    {
        var t = new byte[768];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) t[c * 256 + v] = (byte)v;
        return new CurveLut(t);
    }

    /// <inheritdoc />
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
