using static TorchSharp.torch;

namespace Harmonia.Models.Weights;

/// <summary>
/// A CPU tensor from the raw little-endian bytes of a weights file, copied once straight into the tensor's memory.
/// Why not <c>torch.tensor(span.ToArray())</c>: that makes an array, then TorchSharp clones it, so every loaded byte
/// lands in fresh memory three times; at start-up those page faults cost more than the copies themselves
/// (10 MB of PHNet weights: about 50 → 20 ms CPU to read).
/// </summary>
public static class RawTensor
{
    /// <summary>
    /// A new tensor of <paramref name="shape"/> and <paramref name="type"/> holding <paramref name="data"/>, whose length
    /// must be the element count times the element size (the caller checked it against the file's header).
    /// </summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, ReadOnlySpan<long> shape, ScalarType type)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Weights files are read on little-endian machines only.");
        var tensor = empty(shape, type);
        try
        {
            var target = tensor.bytes;
            if (target.Length != data.Length) throw new ArgumentException($"{data.Length} bytes for a tensor of {target.Length}.", nameof(data));
            data.CopyTo(target);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }
}
