using System.Text.Json;
using Harmonia.Core.Curves;
using Harmonia.Core.Errors;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PIH;

/// <summary>
/// PIH's per-channel curve: K node values y_0..y_{K−1} in (0, 1) (sigmoid outputs) at inputs (k + 0.5)/K, linear
/// between nodes and flat beyond the first and last node. This is the official code's 1-D table expanded into a 3-D
/// LUT and read by <c>grid_sample(align_corners=False, padding_mode="border")</c>, written directly:
/// u = clamp(x·K − 0.5, 0, K − 1), y = y_⌊u⌋ + (u − ⌊u⌋)·(y_⌊u⌋+1 − y_⌊u⌋). At full resolution it is sampled at
/// the 256 8-bit inputs into an exact table (<see cref="Table"/>).
/// </summary>
public static class PIHCurves
{
    /// <summary>The formula, as written into curve JSON.</summary>
    public const string Formula = "y(x) = linear interpolation of the nodes p_k placed at x = (k + 0.5)/L, flat beyond the first and last node, x in [0,1]";

    /// <summary>x: (N, 3, H, W) in [0, 1]; nodes: (N, 3, K). Returns the curves applied per channel, (N, 3, H, W); differentiable in the nodes.</summary>
    public static Tensor Apply(Tensor x, Tensor nodes)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long k = nodes.shape[2];
        var u = x.detach().reshape(n, c, h * w).mul(TorchScalars.Of(k)).sub(TorchScalars.Of(0.5)).clamp(TorchScalars.Of(0), TorchScalars.Of(k - 1));
        var i0 = u.floor().clamp(TorchScalars.Of(0), TorchScalars.Of(Math.Max(0, k - 2)));
        var t = u - i0;
        var index = i0.to_type(ScalarType.Int64);
        var y0 = nodes.gather(2, index);
        var y1 = nodes.gather(2, index.add(TorchScalars.OfInteger(k > 1 ? 1 : 0), TorchScalars.OfInteger(1)));
        var y = y0.Plus((y1 - y0) * t);
        return y.view(n, c, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>The curve of <paramref name="nodes"/> (K values of one channel) at <paramref name="x"/> in [0, 1].</summary>
    public static double Evaluate(ReadOnlySpan<float> nodes, double x)
    {
        int k = nodes.Length;
        double u = Math.Clamp(x * k - 0.5, 0, k - 1);
        int i0 = Math.Min((int)Math.Floor(u), Math.Max(0, k - 2));
        int i1 = Math.Min(i0 + 1, k - 1);
        double t = u - i0;
        return nodes[i0] + t * (nodes[i1] - nodes[i0]);
    }

    /// <summary>3·K nodes (R, G, B) → the curves sampled at v/255 for the 256 8-bit inputs (the exact table).</summary>
    public static CurveParameters Table(ReadOnlySpan<float> nodes)
    {
        if (nodes.Length % 3 != 0 || nodes.Length == 0) throw new ArgumentException("Curve nodes come as 3 channels of K values.", nameof(nodes));
        int k = nodes.Length / 3;
        var table = new double[768];
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++) table[c * 256 + v] = Evaluate(nodes.Slice(c * k, k), v / 255.0);
        return CurveParameters.FromTable(table);
    }

    /// <summary>
    /// The nodes as a <c>harmonia-curves/1</c> document (S²CRNet's format: one stage, L = K, <c>p</c> = the node values,
    /// <c>method</c> "pih" and <see cref="Formula"/> saying how p is read; <c>sampled_256</c> informative).
    /// </summary>
    public static string ToJson(ReadOnlySpan<float> nodes)
    {
        int k = nodes.Length / 3;
        var entries = new List<CurveJson.CurveEntry>();
        string[] names = ["R", "G", "B"];
        for (int c = 0; c < 3; c++)
        {
            var p = nodes.Slice(c * k, k).ToArray();
            var sampled = Enumerable.Range(0, 256).Select(v => Math.Round(Evaluate(p, v / 255.0), 6)).ToArray();
            entries.Add(new CurveJson.CurveEntry(1, names[c], k, p, sampled));
        }
        var doc = new CurveJson.Document("harmonia-curves/1", PIHMethod.Name, Formula, 1, k, entries);
        return JsonSerializer.Serialize(doc, WriteOptions);
    }

    static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Reads curves for PIH from a <c>harmonia-curves/1</c> document: written by PIH (<c>method</c> "pih": node values,
    /// 3 curves of one stage) or by S²CRNet (its increments and cascade, read by <see cref="CurveJson"/>). Bad content:
    /// <see cref="HarmoniaException"/>.
    /// </summary>
    public static CurveParameters FromJson(string json)
    {
        CurveJson.Document? doc;
        try { doc = JsonSerializer.Deserialize<CurveJson.Document>(json); }
        catch (JsonException e) { throw new HarmoniaException($"Curves file is not valid JSON: {e.Message}"); }
        if (doc is null) throw new HarmoniaException("Curves file is empty.");
        if (doc.Method != PIHMethod.Name) return new CurveParameters(CurveJson.Deserialize(json));
        if (doc.Stages != 1 || doc.Levels < 2 || doc.Levels > 256 || doc.Curves is null)
            throw new HarmoniaException("PIH curves file needs stages 1 and levels 2 to 256.");
        int k = doc.Levels;
        var nodes = new float[3 * k];
        var seen = new bool[3];
        foreach (var e in doc.Curves)
        {
            int c = Array.IndexOf(["R", "G", "B"], e.Channel?.ToUpperInvariant());
            if (c < 0 || e.Stage != 1 || e.P is null || e.P.Length != k || e.P.Any(v => !float.IsFinite(v)))
                throw new HarmoniaException($"Curves file has a bad curve entry (stage {e.Stage}, channel {e.Channel}).");
            e.P.CopyTo(nodes, c * k);
            seen[c] = true;
        }
        if (seen.Any(s => !s)) throw new HarmoniaException("Curves file misses a curve (R, G and B are needed).");
        return Table(nodes);
    }
}
