using Harmonia.Core.Randomness;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Training.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Data;

/// <summary>
/// An <see cref="IBatchSource"/> over an iHarmony4-layout dataset. Each batch is decoded (ImageCodec), resized,
/// cropped, flipped and binarized (<see cref="SampleAugmenter"/>) on background threads: up to
/// <see cref="LoaderOptions.Prefetch"/> batches are in flight or ready ahead of the consumer, built by at most
/// <see cref="LoaderOptions.Workers"/> threads at once. Sample order and augmentation depend only on
/// (seed, epoch, position in the epoch), so results are identical whatever the thread timing.
/// Batches come out in order; the consumer disposes each batch.
/// </summary>
public sealed class HarmonizationLoader : IBatchSource
{
    readonly IReadOnlyList<HarmonizationSample> samples;
    readonly long[] labels;

    /// <summary>The options this loader uses.</summary>
    public LoaderOptions Options { get; }

    /// <summary>Creates a loader over explicit samples; every sample needs a real image. Labels default to Other.</summary>
    public HarmonizationLoader(IReadOnlyList<HarmonizationSample> samples, IReadOnlyDictionary<string, SemanticClass>? labels, LoaderOptions options)
    {
        options.Validate();
        Options = options;
        var list = options.Limit is { } limit ? samples.Take(limit).ToList() : samples.ToList();
        if (list.Count == 0) throw new HarmoniaException("The dataset has no samples for this split.");
        var noReal = list.Where(s => s.RealPath is null).ToList();
        if (noReal.Count > 0)
            throw new HarmoniaException($"{noReal.Count} composite(s) have no real image (e.g. {noReal[0].Subset}/{noReal[0].Name}); training needs ground truth.");
        if (options.DropLast && list.Count < options.BatchSize)
            throw new HarmoniaException($"The dataset has {list.Count} sample(s), fewer than one batch of {options.BatchSize}.");
        this.samples = list;
        this.labels = list.Select(s => (long)LabelOf(s, labels)).ToArray();
    }

    /// <summary>
    /// Opens <paramref name="root"/> (iHarmony4 layout) for <paramref name="split"/> ("train", "test" or null for all),
    /// with semantic labels from <c>root/semantic-labels.txt</c> when present.
    /// </summary>
    public static HarmonizationLoader Open(string root, string? split, LoaderOptions options) =>
        new(IHarmony4Layout.Read(root, split), SemanticLabels.Read(root), options);

    /// <inheritdoc />
    public int SampleCount => samples.Count;

    /// <inheritdoc />
    public int? BatchesPerEpoch => Options.DropLast ? samples.Count / Options.BatchSize : (samples.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The samples, in list order.</summary>
    public IReadOnlyList<HarmonizationSample> Samples => samples;

    /// <inheritdoc />
    public IEnumerable<HarmonizationBatch> Epoch(int epoch) => Epoch(epoch, 0);

    /// <inheritdoc />
    public IEnumerable<HarmonizationBatch> Epoch(int epoch, int startBatch)
    {
        var order = Order(epoch);
        int batches = BatchesPerEpoch!.Value;
        return Produce(epoch, order, Math.Clamp(startBatch, 0, batches), batches);
    }

    /// <summary>The sample indices of <paramref name="epoch"/> in the order they are served (seeded shuffle or list order).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, samples.Count).ToArray();
        if (Options.Shuffle) SeededRandom.FromValues(Options.Seed, epoch, 0x5EED).Shuffle(order);
        return order;
    }

    IEnumerable<HarmonizationBatch> Produce(int epoch, int[] order, int first, int end)
    {
        using var cancel = new CancellationTokenSource();
        using var workers = new SemaphoreSlim(Options.Workers);
        var pending = new Queue<Task<HarmonizationBatch>>();
        int next = first;
        void Schedule()
        {
            while (pending.Count < Options.Prefetch && next < end)
            {
                int b = next++;
                pending.Enqueue(Task.Run(async () =>
                {
                    await workers.WaitAsync(cancel.Token).ConfigureAwait(false);
                    try { return BuildBatch(epoch, order, b, cancel.Token); }
                    finally { workers.Release(); }
                }));
            }
        }
        try
        {
            Schedule();
            while (pending.Count > 0)
            {
                var task = pending.Dequeue();
                HarmonizationBatch batch;
                try { batch = task.GetAwaiter().GetResult(); }
                catch (AggregateException e) when (e.InnerExceptions.Count == 1) { ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); throw; }
                Schedule();
                yield return batch;
            }
        }
        finally
        {
            // Early exit (or failure): stop work not yet started and free batches already built.
            cancel.Cancel();
            foreach (var t in pending)
            {
                try { t.GetAwaiter().GetResult().Dispose(); }
                catch (Exception) { /* cancelled or failed: nothing to free */ }
            }
        }
    }

    /// <summary>Builds batch <paramref name="batchIndex"/> of an epoch synchronously (the worker body; also used by tests).</summary>
    internal HarmonizationBatch BuildBatch(int epoch, int[] order, int batchIndex, CancellationToken cancel = default)
    {
        int start = batchIndex * Options.BatchSize;
        int n = Math.Min(Options.BatchSize, order.Length - start);
        int size = Options.Size, plane = size * size;
        var composite = torch.empty([n, 3, size, size], ScalarType.Float32);
        var mask = torch.empty([n, 1, size, size], ScalarType.Float32);
        var real = torch.empty([n, 3, size, size], ScalarType.Float32);
        var names = new string[n];
        var labelValues = new long[n];
        try
        {
            for (int i = 0; i < n; i++)
            {
                cancel.ThrowIfCancellationRequested();
                int position = start + i, index = order[position];
                var sample = samples[index];
                var compositeImage = ImageCodec.Read(sample.CompositePath);
                var maskImage = ImageCodec.ReadMask(sample.MaskPath);
                var realImage = ImageCodec.Read(sample.RealPath!);
                var rng = SeededRandom.FromValues(Options.Seed, epoch, position, index);
                SampleAugmenter.Render(compositeImage, maskImage, realImage, Options, rng,
                    FloatSpan(composite).Slice(i * 3 * plane, 3 * plane),
                    FloatSpan(mask).Slice(i * plane, plane),
                    FloatSpan(real).Slice(i * 3 * plane, 3 * plane));
                names[i] = sample.Name;
                labelValues[i] = labels[index];
            }
            return new HarmonizationBatch(composite, mask, real, torch.tensor(labelValues), names);
        }
        catch
        {
            composite.Dispose();
            mask.Dispose();
            real.Dispose();
            throw;
        }
    }

    // The tensor's own storage as floats: samples are written in place, no intermediate arrays.
    static Span<float> FloatSpan(Tensor t) => MemoryMarshal.Cast<byte, float>(t.bytes);

    static SemanticClass LabelOf(HarmonizationSample s, IReadOnlyDictionary<string, SemanticClass>? labels)
    {
        if (labels is null || labels.Count == 0) return SemanticClass.Other;
        var file = Path.GetFileName(s.CompositePath);
        return labels.TryGetValue(file, out var c) || labels.TryGetValue(s.Name, out c) ? c : SemanticClass.Other;
    }
}
