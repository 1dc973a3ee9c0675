using System.Runtime.InteropServices;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Recognises the one native failure the trainer treats as transient: libtorch's
/// <c>Scalar</c> checks ("Expected false to be true", "Unknown scalar type", an INTERNAL ASSERT in Scalar.h) raised when TorchSharp 0.107 has already finalized an
/// implicitly converted <c>Scalar</c> that a native call is still reading (a GC race in the binding, seen under load
/// every few hundred steps, in our modules and in TorchSharp's own BatchNorm and optimizers alike).
/// </summary>
public static class TransientNativeError
{
    /// <summary>How many batches one run may skip for this error before it stops.</summary>
    public const int MaxSkips = 200;

    /// <summary>Whether <paramref name="e"/> is that scalar race.</summary>
    public static bool Matches(ExternalException e) =>
        e.Message.Contains("Expected false to be true", StringComparison.Ordinal) ||
        e.Message.Contains("Unknown scalar type", StringComparison.Ordinal) ||
        (e.Message.Contains("INTERNAL ASSERT FAILED", StringComparison.Ordinal) && e.Message.Contains("Scalar.h", StringComparison.Ordinal));

    /// <summary>"in Type.Method" of the innermost managed frame that called into TorchSharp, for the warning line.</summary>
    public static string Origin(Exception e)
    {
        var frames = (e.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var frame = frames.FirstOrDefault(f => !f.StartsWith("at TorchSharp.PInvoke", StringComparison.Ordinal) && !f.Contains("CheckForErrors", StringComparison.Ordinal))
                    ?? frames.FirstOrDefault() ?? "?";
        var caller = frames.FirstOrDefault(f => f.StartsWith("at Harmonia", StringComparison.Ordinal));
        return caller is null || caller == frame ? $"in {Trim(frame)}" : $"in {Trim(frame)} from {Trim(caller)}";
        static string Trim(string f) { f = f.StartsWith("at ", StringComparison.Ordinal) ? f[3..] : f; int p = f.IndexOf(" in ", StringComparison.Ordinal); return p > 0 ? f[..p] : f; }
    }
}
