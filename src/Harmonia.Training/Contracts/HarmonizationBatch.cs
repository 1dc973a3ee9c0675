using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Contracts;

/// <summary>
/// A training batch of N samples, CPU float32 tensors.
/// Composite and Real: (N, 3, H, W) RGB in [0, 1]. Mask: (N, 1, H, W) in {0, 1} (binarized).
/// Labels: (N) int64 semantic class indices (see Harmonia.Core.Datasets.SemanticClass; 4 = other when unknown).
/// The batch owns its tensors; dispose it when done.
/// </summary>
public sealed class HarmonizationBatch(Tensor composite, Tensor mask, Tensor real, Tensor labels, IReadOnlyList<string> names) : IDisposable
{
    /// <summary>(N, 3, H, W) composite in [0, 1].</summary>
    public Tensor Composite { get; } = composite;
    /// <summary>(N, 1, H, W) binary foreground mask.</summary>
    public Tensor Mask { get; } = mask;
    /// <summary>(N, 3, H, W) ground truth in [0, 1].</summary>
    public Tensor Real { get; } = real;
    /// <summary>(N) int64 semantic class indices.</summary>
    public Tensor Labels { get; } = labels;
    /// <summary>Sample names (composite file names without extension), for logs.</summary>
    public IReadOnlyList<string> Names { get; } = names;
    /// <summary>Batch size N.</summary>
    public long Size => Composite.shape[0];

    /// <inheritdoc />
    public void Dispose()
    {
        Composite.Dispose();
        Mask.Dispose();
        Real.Dispose();
        Labels.Dispose();
    }
}

/// <summary>A source of batches: the trainer asks for one epoch at a time.</summary>
public interface IBatchSource
{
    /// <summary>Number of samples in one epoch.</summary>
    int SampleCount { get; }

    /// <summary>Batches of epoch <paramref name="epoch"/> (seeded: the same epoch gives the same order and augmentations).</summary>
    IEnumerable<HarmonizationBatch> Epoch(int epoch);

    /// <summary>Batches per epoch when known (null otherwise); the trainer uses it for progress, ETA and resume.</summary>
    int? BatchesPerEpoch => null;

    /// <summary>
    /// Batches of <paramref name="epoch"/> starting at batch <paramref name="startBatch"/> (used to resume mid-epoch;
    /// the batches served are those the full epoch would serve from that index). The default enumerates and
    /// disposes the skipped batches; sources override it to skip decoding.
    /// </summary>
    IEnumerable<HarmonizationBatch> Epoch(int epoch, int startBatch)
    {
        int index = 0;
        foreach (var batch in Epoch(epoch))
        {
            if (index++ < startBatch) { batch.Dispose(); continue; }
            yield return batch;
        }
    }
}
