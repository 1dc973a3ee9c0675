using TorchSharp.Modules;

namespace Harmonia.Models.Runtime;

/// <summary>
/// An optimizer's state as bytes (TorchSharp's format, the one <c>save_state_dict(path)</c> writes to a file), kept in
/// memory. Earlier versions went through a temporary file next to the checkpoint on the belief that TorchSharp 0.107
/// serializes optimizer state only to a path; its <c>BinaryWriter</c>/<c>BinaryReader</c> overloads write the same
/// bytes, so the temporary file is gone (Runtime/README.md).
/// </summary>
public static class OptimizerStateBytes
{
    /// <summary>The bytes of <paramref name="optimizer"/>'s state.</summary>
    public static byte[] Save(OptimizerHelper optimizer)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(writer);
        return stream.ToArray();
    }

    /// <summary>Loads state written by <see cref="Save"/> (or by <c>save_state_dict(path)</c>); TorchSharp's exceptions pass through.</summary>
    public static void Load(OptimizerHelper optimizer, byte[] state)
    {
        using var stream = new MemoryStream(state, writable: false);
        using var reader = new BinaryReader(stream);
        optimizer.load_state_dict(reader);
    }
}
