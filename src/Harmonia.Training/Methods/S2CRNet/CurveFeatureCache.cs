using System.Globalization;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Pipeline;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.S2CRNet;

/// <summary>
/// What S²CRNet's curve heads need from one dataset split when the encoder is frozen, computed once:
/// <list type="bullet">
/// <item>Features: (N, 2, C) float, the pooled encoder features of the fg and bg thumbnails, prepared by
/// <see cref="S2CRNetInputs.Fill"/> from the full-resolution files exactly as at inference.</item>
/// <item>Composite / Real: (N, K, 3) uint8, K foreground pixels (binary view) drawn uniformly with a seeded
/// generator from the full-resolution composite and the same positions of the ground truth. A per-channel curve acts
/// on each pixel alone, so the mean loss over these pixels is an unbiased estimate of the official relative L1
/// over the whole mask at full resolution.</item>
/// <item>Labels: (N) int64 semantic classes; Names: subset/composite per sample.</item>
/// </list>
/// The cache is written in chunks of <see cref="ChunkSize"/> samples (safetensors, resumable: existing chunks are
/// kept) under a folder whose metadata names the encoder configuration, so a stale cache is refused.
/// </summary>
public sealed class CurveFeatureCache : IDisposable
{
    /// <summary>Samples per chunk file.</summary>
    public const int ChunkSize = 512;

    /// <summary>(N, 2, C) pooled features.</summary>
    public required Tensor Features { get; init; }
    /// <summary>(N, K, 3) uint8 composite pixels under the mask.</summary>
    public required Tensor Composite { get; init; }
    /// <summary>(N, K, 3) uint8 ground-truth pixels at the same positions.</summary>
    public required Tensor Real { get; init; }
    /// <summary>(N) int64 semantic classes.</summary>
    public required Tensor Labels { get; init; }
    /// <summary>Subset/name of each sample.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>Number of samples.</summary>
    public int Count => Names.Count;

    /// <summary>The key a cache folder must carry for <paramref name="config"/> (encoder, input size, pixels).</summary>
    public static string Key(S2CRNetConfig config, int pixels) =>
        $"{config.Backbone}|pyramid={config.Pyramid}|size={config.InputSize}|pixels={pixels}{(config.ColorStats ? "|stats" : "")}{(config.SourceSide > 0 ? $"|source={config.SourceSide}" : "")}".ToLowerInvariant();

    /// <summary>
    /// Loads the cache of <paramref name="samples"/> from <paramref name="folder"/>, computing the missing chunks with
    /// the frozen encoder of <paramref name="model"/> (in eval mode, no grad). <paramref name="progress"/> gets (done, total).
    /// </summary>
    public static CurveFeatureCache Build(S2CRNetModel model, IReadOnlyList<HarmonizationSample> samples, IReadOnlyDictionary<string, SemanticClass> labels,
        string folder, int pixels, int seed, Action<int, int>? progress = null)
    {
        Directory.CreateDirectory(folder);
        var key = Key(model.Config, pixels);
        int chunks = (samples.Count + ChunkSize - 1) / ChunkSize;
        var parts = new List<Dictionary<string, Tensor>>();
        var names = new List<string>();
        model.Backbone.eval();
        for (int c = 0; c < chunks; c++)
        {
            var path = Path.Combine(folder, $"chunk-{c:D4}.safetensors");
            var slice = samples.Skip(c * ChunkSize).Take(ChunkSize).ToList();
            Dictionary<string, Tensor>? chunk = null;
            if (File.Exists(path))
            {
                chunk = SafeTensors.Read(path, out var meta);
                if (!meta.TryGetValue("key", out var k) || k != key || !meta.TryGetValue("first", out var first) || first != Name(slice[0]) || chunk["labels"].shape[0] != slice.Count)
                {
                    foreach (var t in chunk.Values) t.Dispose();
                    throw new HarmoniaException($"Feature cache '{folder}' was made for another configuration or dataset; delete it or choose another folder.");
                }
            }
            chunk ??= ComputeChunk(model, slice, labels, path, key, pixels, seed + c);
            parts.Add(chunk);
            names.AddRange(slice.Select(Name));
            progress?.Invoke(Math.Min(samples.Count, (c + 1) * ChunkSize), samples.Count);
        }
        var cache = new CurveFeatureCache
        {
            Features = torch.cat(parts.Select(p => p["features"]).ToArray(), 0),
            Composite = torch.cat(parts.Select(p => p["composite"]).ToArray(), 0),
            Real = torch.cat(parts.Select(p => p["real"]).ToArray(), 0),
            Labels = torch.cat(parts.Select(p => p["labels"]).ToArray(), 0),
            Names = names,
        };
        foreach (var p in parts) foreach (var t in p.Values) t.Dispose();
        return cache;
    }

    /// <summary>
    /// One cache holding the samples of <paramref name="parts"/> in order (each part's tensors are copied; the parts stay
    /// usable and owned by the caller). All parts must come from the same encoder configuration.
    /// </summary>
    public static CurveFeatureCache Concat(IReadOnlyList<CurveFeatureCache> parts)
    {
        if (parts.Count == 0) throw new ArgumentException("No caches to join.", nameof(parts));
        if (parts.Select(p => p.Features.shape[2]).Distinct().Count() > 1 || parts.Select(p => p.Composite.shape[1]).Distinct().Count() > 1)
            throw new HarmoniaException("Feature caches of different encoder configurations or pixel counts cannot be joined.");
        return new CurveFeatureCache
        {
            Features = torch.cat(parts.Select(p => p.Features).ToArray(), 0),
            Composite = torch.cat(parts.Select(p => p.Composite).ToArray(), 0),
            Real = torch.cat(parts.Select(p => p.Real).ToArray(), 0),
            Labels = torch.cat(parts.Select(p => p.Labels).ToArray(), 0),
            Names = parts.SelectMany(p => p.Names).ToList(),
        };
    }

    /// <summary>Frees the tensors (a joined cache holds copies, so its parts can go).</summary>
    public void Dispose()
    {
        Features.Dispose();
        Composite.Dispose();
        Real.Dispose();
        Labels.Dispose();
    }

    static string Name(HarmonizationSample s) => s.Subset + "/" + s.Name;

    static Dictionary<string, Tensor> ComputeChunk(S2CRNetModel model, List<HarmonizationSample> slice, IReadOnlyDictionary<string, SemanticClass> labels,
        string path, string key, int pixels, int seed)
    {
        int size = model.Config.InputSize, n = slice.Count, width = model.Config.FeatureWidth;
        var inputs = new float[n * 6 * size * size];
        var comp = new byte[n * pixels * 3];
        var real = new byte[n * pixels * 3];
        var classes = new long[n];
        Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var s = slice[i];
            if (s.RealPath is null) throw new HarmoniaException($"Sample '{Name(s)}' has no ground truth; the feature cache needs paired data.");
            var (composite, mask) = FileHarmonizer.Load(s.CompositePath, s.MaskPath, Mask.DefaultThreshold);
            var truth = ImageCodec.Read(s.RealPath);
            if (truth.Width != composite.Width || truth.Height != composite.Height)
                throw new HarmoniaException($"Sample '{Name(s)}': ground truth and composite differ in size.");
            S2CRNetInputs.Fill(composite, mask, size, inputs.AsSpan(i * 6 * size * size, 6 * size * size), model.Config.SourceSide);
            SamplePixels(composite, truth, mask, pixels, seed * 1_000_003 + i, comp.AsSpan(i * pixels * 3, pixels * 3), real.AsSpan(i * pixels * 3, pixels * 3));
            classes[i] = labels.TryGetValue(Path.GetFileName(s.CompositePath), out var cls) ? (long)cls : (long)SemanticClass.Other;
        });
        float[] features;
        using (var scope = NewDisposeScope())
        using (torch.no_grad())
        {
            var all = torch.tensor(inputs, new long[] { n, 2, 3, size, size });
            var fg = all.select(1, 0);
            var bg = all.select(1, 1);
            var pooled = new List<Tensor>();
            const int batch = 8;
            for (int start = 0; start < n; start += batch)
            {
                int m = Math.Min(batch, n - start);
                var (fore, back) = model.Encode(fg.narrow(0, start, m), bg.narrow(0, start, m));
                pooled.Add(torch.stack([fore, back], 1));
            }
            features = torch.cat(pooled.ToArray(), 0).contiguous().data<float>().ToArray();
        }
        var chunk = new Dictionary<string, Tensor>
        {
            ["features"] = torch.tensor(features, new long[] { n, 2, width }),
            ["composite"] = torch.tensor(comp, new long[] { n, pixels, 3 }),
            ["real"] = torch.tensor(real, new long[] { n, pixels, 3 }),
            ["labels"] = torch.tensor(classes),
        };
        var tmp = path + ".tmp";
        SafeTensors.Write(tmp, chunk, new Dictionary<string, string> { ["key"] = key, ["first"] = Name(slice[0]), ["count"] = n.ToString(CultureInfo.InvariantCulture) });
        File.Move(tmp, path, overwrite: true);
        return chunk;
    }

    /// <summary>K positions drawn uniformly (with replacement) from the binary foreground; the whole image when it is empty.</summary>
    static void SamplePixels(RgbImage composite, RgbImage truth, Mask mask, int k, int seed, Span<byte> comp, Span<byte> real)
    {
        var fg = new List<int>();
        for (int i = 0; i < mask.Alpha.Length; i++) if (mask.IsForeground(i)) fg.Add(i);
        var rng = new Random(seed);
        int total = mask.Alpha.Length;
        for (int j = 0; j < k; j++)
        {
            int p = fg.Count > 0 ? fg[rng.Next(fg.Count)] : rng.Next(total);
            int y = p / composite.Width, x = p % composite.Width;
            int o = y * composite.Stride + 3 * x, t = y * truth.Stride + 3 * x;
            for (int c = 0; c < 3; c++)
            {
                comp[3 * j + c] = composite.Pixels[o + c];
                real[3 * j + c] = truth.Pixels[t + c];
            }
        }
    }
}
