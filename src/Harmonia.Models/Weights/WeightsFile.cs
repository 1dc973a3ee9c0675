using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// Opens a weights file in any format Harmonia reads, chosen by content rather than by extension: a zip archive
/// is a PyTorch <c>torch.save</c> file (<c>.pth</c>, <c>.pt</c>, <c>.pth.tar</c>, ...; <see cref="PyTorchCheckpoint"/>),
/// anything else is read as safetensors (<see cref="SafeTensors"/>).
/// </summary>
public static class WeightsFile
{
    /// <summary>
    /// The tensors of <paramref name="path"/> (CPU; the caller owns them) and its string metadata (safetensors'
    /// <c>__metadata__</c>; empty for PyTorch files, whose configuration is read from names and shapes).
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        if (PyTorchCheckpoint.LooksLikeZip(path))
        {
            metadata = new Dictionary<string, string>();
            return PyTorchCheckpoint.ReadStateDict(path);
        }
        return SafeTensors.Read(path, out metadata);
    }
}
