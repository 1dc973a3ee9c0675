using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods.Classical;

/// <summary>A 256-entry table per channel: the exact form of any per-channel curve on 8-bit input.</summary>
public sealed class ChannelLutTransform : IColorTransform
{
    readonly byte[] red, green, blue;

    /// <summary>Wraps three 256-entry tables (R, G, B); they are copied.</summary>
    public ChannelLutTransform(ReadOnlySpan<byte> red, ReadOnlySpan<byte> green, ReadOnlySpan<byte> blue)
    {
        if (red.Length != 256 || green.Length != 256 || blue.Length != 256) throw new ArgumentException("Each table needs 256 entries.");
        this.red = red.ToArray();
        this.green = green.ToArray();
        this.blue = blue.ToArray();
    }

    /// <summary>Table of channel c (0 = R).</summary>
    public ReadOnlySpan<byte> Table(int channel) => channel switch { 0 => red, 1 => green, 2 => blue, _ => throw new ArgumentOutOfRangeException(nameof(channel)) };

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int i = 0; i + 2 < source.Length; i += 3)
        {
            destination[i] = red[source[i]];
            destination[i + 1] = green[source[i + 1]];
            destination[i + 2] = blue[source[i + 2]];
        }
    }
}
