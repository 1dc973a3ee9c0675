using Harmonia.Core.Files;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// Opens a weights file in any format Harmonia reads: a zip archive or a file named <c>.pth</c>, <c>.pt</c>,
/// <c>.tar</c>, <c>.ckpt</c> or <c>.bin</c> is a PyTorch <c>torch.save</c> file (<see cref="PyTorchCheckpoint"/>),
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
        if (IsPyTorch(path))
        {
            metadata = new Dictionary<string, string>();
            return PyTorchCheckpoint.ReadStateDict(path);
        }
        return SafeTensors.Read(path, out metadata);
    }

    /// <summary>
    /// The method a Harmonia weights file says it belongs to (safetensors metadata <c>method</c>, read from the header
    /// only), or null when the file does not say (PyTorch files, converted official checkpoints) or cannot be read
    /// here; loading the file reports those errors properly.
    /// </summary>
    public static string? DeclaredMethod(string path)
    {
        try
        {
            if (!File.Exists(path) || IsPyTorch(path)) return null;
            SafeTensors.ReadHeader(path, out var metadata);
            return metadata.TryGetValue("method", out var method) && method.Length > 0 ? method : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Harmonia.Core.Errors.HarmoniaException)
        {
            return null;
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> as <see cref="Read"/> does, but a safetensors file only as far as its header: names,
    /// shapes and metadata are known (and checked) before libtorch is needed, and the tensors are made by
    /// <see cref="WeightsContent.CreateTensors"/>. A PyTorch file is read whole (its reader needs libtorch).
    /// </summary>
    public static WeightsContent Open(string path)
    {
        if (IsPyTorch(path))
        {
            TorchRuntime.EnsureAvailable();
            return WeightsContent.Of(PyTorchCheckpoint.ReadStateDict(path), new Dictionary<string, string>());
        }
        return SafeTensors.Parse(InputFile.ReadAllBytes(path, SafeTensors.MaxFileBytes, "weights file"), path);
    }

    static readonly string[] PyTorchExtensions = [".pth", ".pt", ".tar", ".ckpt", ".bin"];

    /// <summary>A zip archive, or a PyTorch extension (so a legacy or damaged PyTorch file gets PyTorch's error message).</summary>
    static bool IsPyTorch(string path) =>
        PyTorchCheckpoint.LooksLikeZip(path) || PyTorchExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);
}
