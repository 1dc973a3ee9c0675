using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// A weights file read as far as names, shapes and metadata, with its tensors made on demand: a network's
/// configuration can be decided (and checked) from <see cref="Shapes"/> and <see cref="Metadata"/> while libtorch is
/// still loading, and only <see cref="CreateTensors"/> needs it.
/// </summary>
/// <param name="Metadata">The file's string metadata (safetensors' <c>__metadata__</c>; empty for PyTorch files).</param>
/// <param name="Shapes">Tensor name → shape.</param>
/// <param name="create">Makes the CPU tensors (the caller owns them); libtorch must be loaded.</param>
public sealed class WeightsContent(IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, long[]> Shapes, Func<Dictionary<string, Tensor>> create)
{
    /// <summary>The file's string metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; } = Metadata;

    /// <summary>Tensor name → shape.</summary>
    public IReadOnlyDictionary<string, long[]> Shapes { get; } = Shapes;

    /// <summary>Makes the tensors (CPU; the caller owns them). Needs libtorch (<see cref="Runtime.TorchRuntime.EnsureAvailable"/>).</summary>
    public Dictionary<string, Tensor> CreateTensors() => create();

    /// <summary>Content whose tensors already exist (a PyTorch file); <see cref="CreateTensors"/> hands them over once.</summary>
    public static WeightsContent Of(Dictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        bool taken = false;
        return new WeightsContent(metadata, tensors.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal), () =>
        {
            if (taken) throw new InvalidOperationException("The tensors of this weights content were already taken.");
            taken = true;
            return tensors;
        });
    }
}
