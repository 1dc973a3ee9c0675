using System.Text.Json;
using System.Text.Json.Serialization;
using Harmonia.Core.Errors;

namespace Harmonia.Core.Curves;

/// <summary>
/// Curves as JSON (for <c>--curves-out</c>): readable and editable. Each curve lists its stage, channel, L, the
/// parameters p and the curve sampled at the 256 8-bit inputs (informative; reading uses only p).
/// </summary>
public static class CurveJson
{
    static readonly string[] ChannelNames = ["R", "G", "B"];
    static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The JSON document.</summary>
    public sealed record Document(
        [property: JsonPropertyName("format")] string Format,
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("formula")] string Formula,
        [property: JsonPropertyName("stages")] int Stages,
        [property: JsonPropertyName("levels")] int Levels,
        [property: JsonPropertyName("curves")] IReadOnlyList<CurveEntry> Curves);

    /// <summary>One curve of the cascade.</summary>
    public sealed record CurveEntry(
        [property: JsonPropertyName("stage")] int Stage,
        [property: JsonPropertyName("channel")] string Channel,
        [property: JsonPropertyName("levels")] int Levels,
        [property: JsonPropertyName("p")] float[] P,
        [property: JsonPropertyName("sampled_256")] double[]? Sampled);

    const string FormatName = "harmonia-curves/1";

    /// <summary>Serializes <paramref name="curves"/>.</summary>
    public static string Serialize(CurveSet curves, string method = "s2crnet")
    {
        var entries = new List<CurveEntry>();
        for (int s = 0; s < curves.Stages; s++)
            for (int c = 0; c < 3; c++)
                entries.Add(new CurveEntry(s + 1, ChannelNames[c], curves.Levels, curves.Curve(s, c).ToArray(),
                    curves.Sample(s, c).Select(v => Math.Round(v, 6)).ToArray()));
        var doc = new Document(FormatName, method,
            "psi(x) = (L / sum_j p_j) * sum_i p_i * clamp(x - i/L, 0, 1/L), x in [0,1]; stage n maps stage n-1's output",
            curves.Stages, curves.Levels, entries);
        return JsonSerializer.Serialize(doc, Options);
    }

    /// <summary>Parses a document written by <see cref="Serialize"/> (possibly edited); throws <see cref="HarmoniaException"/> on bad content.</summary>
    public static CurveSet Deserialize(string json)
    {
        Document? doc;
        try { doc = JsonSerializer.Deserialize<Document>(json, Options); }
        catch (JsonException e) { throw new HarmoniaException($"Curves file is not valid JSON: {e.Message}"); }
        if (doc is null || doc.Curves is null || doc.Stages < 1 || doc.Levels < 1)
            throw new HarmoniaException("Curves file lacks stages, levels or curves.");
        var p = new float[doc.Stages * 3 * doc.Levels];
        var seen = new bool[doc.Stages * 3];
        foreach (var e in doc.Curves)
        {
            int c = Array.IndexOf(ChannelNames, e.Channel?.ToUpperInvariant());
            if (e.Stage < 1 || e.Stage > doc.Stages || c < 0 || e.P is null || e.P.Length != doc.Levels)
                throw new HarmoniaException($"Curves file has a bad curve entry (stage {e.Stage}, channel {e.Channel}).");
            int k = (e.Stage - 1) * 3 + c;
            seen[k] = true;
            e.P.CopyTo(p, k * doc.Levels);
        }
        if (seen.Any(x => !x)) throw new HarmoniaException("Curves file misses a curve (every stage needs R, G and B).");
        return new CurveSet(doc.Stages, doc.Levels, p);
    }
}
