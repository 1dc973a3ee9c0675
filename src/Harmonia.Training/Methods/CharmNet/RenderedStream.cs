using System.Text.Json;
using Harmonia.Core.Errors;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.CharmNet;

/// <summary>
/// CharmNet's rendered-domain stream: endless batches from an RdHarmony set written by <c>harmonia dataset render</c>
/// (iHarmony4 layout; training split), each with its style labels from the set's <c>samples.jsonl</c>:
/// <c>composite_label</c> (the composite's soft label, foreground and background styles mixed by area: SC1's target)
/// and <c>bg_label</c> (the ground truth's style, soft near a style border: SC2's target). Batches come from a
/// <see cref="HarmonizationLoader"/> with the run's size, batch size and augmentation, seeded apart from the real
/// stream; epochs follow each other without end. On resume the stream starts again at its first epoch.
/// </summary>
public sealed class RenderedStream : IDisposable
{
    readonly HarmonizationLoader loader;
    readonly Dictionary<string, (float[] Composite, float[] Background)> labels;
    readonly int styles;
    IEnumerator<HarmonizationBatch>? current;
    int epoch;

    /// <summary>Opens <paramref name="root"/> (usage errors for a missing set, a missing or mismatched sidecar).</summary>
    public RenderedStream(string root, int styles, LoaderOptions options)
    {
        this.styles = styles;
        var sidecar = Path.Combine(root, "samples.jsonl");
        if (!File.Exists(sidecar)) throw new UsageException($"charmnet: '{root}' has no samples.jsonl with style labels (build it with 'harmonia dataset render').");
        labels = ReadLabels(sidecar, styles);
        try { loader = HarmonizationLoader.Open(root, "train", options); }
        catch (ArgumentException e) { throw new UsageException($"charmnet: rendered set '{root}': {e.Message}"); }
        if (loader.SampleCount < options.BatchSize) throw new UsageException($"charmnet: the rendered set '{root}' has {loader.SampleCount} training samples, fewer than one batch.");
        foreach (var sample in loader.Samples)
            if (!labels.ContainsKey(Path.GetFileNameWithoutExtension(sample.CompositePath)))
                throw new UsageException($"charmnet: '{sample.CompositePath}' has no style labels in {sidecar}.");
    }

    /// <summary>Training samples per epoch.</summary>
    public int SampleCount => loader.SampleCount;

    /// <summary>
    /// The next batch and its labels: composite style (N, styles) and ground-truth style (N, styles), float32 rows
    /// summing to 1. The caller disposes the batch; the label tensors belong to the caller's dispose scope.
    /// </summary>
    public (HarmonizationBatch Batch, Tensor CompositeStyle, Tensor BackgroundStyle) Next()
    {
        while (true)
        {
            current ??= loader.Epoch(epoch).GetEnumerator();
            if (current.MoveNext()) break;
            current.Dispose();
            current = null;
            epoch++;
        }
        var batch = current.Current;
        int n = (int)batch.Size;
        var composite = new float[n * styles];
        var background = new float[n * styles];
        for (int i = 0; i < n; i++)
        {
            var (c, b) = labels[batch.Names[i]];
            c.CopyTo(composite, i * styles);
            b.CopyTo(background, i * styles);
        }
        return (batch, tensor(composite, new long[] { n, styles }), tensor(background, new long[] { n, styles }));
    }

    /// <summary>Composite name (file stem) → (composite_label, bg_label) from an RdHarmony sidecar.</summary>
    static Dictionary<string, (float[], float[])> ReadLabels(string path, int styles)
    {
        var result = new Dictionary<string, (float[], float[])>(StringComparer.Ordinal);
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var name = Path.GetFileNameWithoutExtension(root.GetProperty("composite").GetString()!);
                result[name] = (Vector(root.GetProperty("composite_label"), styles), Vector(root.GetProperty("bg_label"), styles));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new UsageException($"charmnet: {path} line {line}: not an RdHarmony sample with style labels ({e.Message}).");
            }
        }
        return result;
    }

    static float[] Vector(JsonElement array, int styles)
    {
        if (array.GetArrayLength() != styles) throw new FormatException($"a style label has {array.GetArrayLength()} entries, expected {styles}");
        var v = array.EnumerateArray().Select(e => e.GetSingle()).ToArray();
        float sum = v.Sum();
        if (!(sum > 0) || v.Any(x => x < 0 || !float.IsFinite(x))) throw new FormatException("a style label is not a distribution");
        for (int i = 0; i < v.Length; i++) v[i] /= sum;
        return v;
    }

    /// <inheritdoc />
    public void Dispose() => current?.Dispose();
}
