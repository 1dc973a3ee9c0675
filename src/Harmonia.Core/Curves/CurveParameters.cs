using System.Text.Json;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Curves;

/// <summary>
/// Per-channel curve parameters: the function each channel applies, sampled at the 256 8-bit inputs (values in
/// [0, 1]), plus the <see cref="CurveSet"/> it came from when there is one (kept for the editable JSON). Rendering
/// is the exact 8-bit LUT through <see cref="ForegroundRenderer"/>.
/// </summary>
public sealed class CurveParameters : IHarmonizationParameters
{
    /// <summary>The kind name shared by every curve method.</summary>
    public const string KindName = "curves";

    readonly double[] table;

    /// <summary>The curve cascade these were computed from, or null for interpolated or hand-made tables.</summary>
    public CurveSet? Source { get; }

    /// <summary>From a cascade: its composition sampled at v/255, clamped to [0, 1].</summary>
    public CurveParameters(CurveSet curves)
    {
        Source = curves;
        table = new double[3 * 256];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) table[c * 256 + v] = Math.Clamp(curves.EvaluateCascade(c, v / 255.0), 0.0, 1.0);
    }

    CurveParameters(double[] table) => this.table = table;

    /// <summary>From a sampled table: 768 values in [0, 1] (R at inputs 0..255, then G, then B).</summary>
    public static CurveParameters FromTable(ReadOnlySpan<double> values)
    {
        if (values.Length != 3 * 256) throw new ArgumentException("A curve table has 768 values (3 channels x 256).");
        var copy = new double[768];
        for (int i = 0; i < 768; i++) copy[i] = Math.Clamp(double.IsFinite(values[i]) ? values[i] : 0.0, 0.0, 1.0);
        return new CurveParameters(copy);
    }

    /// <summary>The identity curves.</summary>
    public static CurveParameters Identity()
    {
        var t = new double[768];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) t[c * 256 + v] = v / 255.0;
        return new CurveParameters(t);
    }

    /// <inheritdoc />
    public string Kind => KindName;

    /// <summary>The value of channel <paramref name="channel"/> (0 R, 1 G, 2 B) at 8-bit input <paramref name="value"/>, in [0, 1].</summary>
    public double this[int channel, int value] => table[channel * 256 + value];

    /// <summary>The exact 8-bit table, blended toward the identity by <paramref name="strength"/> in [0, 1].</summary>
    public ChannelLut ToLut(float strength = 1f)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new ArgumentOutOfRangeException(nameof(strength), "Strength must be in [0, 1].");
        var bytes = new byte[768];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++)
            {
                double x = v / 255.0, y = table[c * 256 + v];
                bytes[c * 256 + v] = (byte)Math.Round((x + strength * (y - x)) * 255.0, MidpointRounding.AwayFromZero);
            }
        return new ChannelLut(bytes);
    }

    /// <inheritdoc />
    public IForegroundMap Map(float strength = 1f) => new ColorTransformMap(ToLut(strength));

    /// <inheritdoc />
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not CurveParameters o) throw new ArgumentException($"Cannot interpolate curves with '{other.Kind}' parameters.", nameof(other));
        var blended = new double[768];
        for (int i = 0; i < 768; i++) blended[i] = table[i] + t * (o.table[i] - table[i]);
        return new CurveParameters(blended);
    }

    /// <inheritdoc />
    public string ToJson()
    {
        if (Source is not null) return CurveJson.Serialize(Source);
        var channels = new Dictionary<string, double[]>
        {
            ["R"] = table.AsSpan(0, 256).ToArray().Select(v => Math.Round(v, 6)).ToArray(),
            ["G"] = table.AsSpan(256, 256).ToArray().Select(v => Math.Round(v, 6)).ToArray(),
            ["B"] = table.AsSpan(512, 256).ToArray().Select(v => Math.Round(v, 6)).ToArray(),
        };
        return JsonSerializer.Serialize(new { format = "harmonia-curve-table/1", sampled_256 = channels }, new JsonSerializerOptions { WriteIndented = true });
    }
}
