using TorchSharp.Modules;

namespace Harmonia.Models.Runtime;

/// <summary>
/// An optimizer's state as bytes. Why: TorchSharp 0.107 serializes optimizer state only to and from a file path
/// (<c>save_state_dict(string)</c>, <c>load_state_dict(string)</c>), so a checkpoint that keeps it inside one file goes
/// through a temporary file in the checkpoint's folder (same disk, same permissions), deleted afterwards.
/// </summary>
public static class OptimizerStateBytes
{
    /// <summary>The bytes of <paramref name="optimizer"/>'s state (TorchSharp's format); temporary file in <paramref name="folder"/>.</summary>
    public static byte[] Save(OptimizerHelper optimizer, string folder)
    {
        var temp = TempPath(folder);
        try
        {
            optimizer.save_state_dict(temp);
            return File.ReadAllBytes(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Loads state written by <see cref="Save"/> into <paramref name="optimizer"/>; TorchSharp's exceptions pass through.</summary>
    public static void Load(OptimizerHelper optimizer, ReadOnlySpan<byte> state, string folder)
    {
        var temp = TempPath(folder);
        try
        {
            using (var file = File.Create(temp)) file.Write(state);
            optimizer.load_state_dict(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    static string TempPath(string folder) => Path.Combine(Path.GetFullPath(folder), $".optimizer-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
}
