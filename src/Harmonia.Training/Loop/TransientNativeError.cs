using System.Runtime.InteropServices;

namespace Harmonia.Training.Loop;

/// <summary>
/// Recognises the one native failure the trainer treats as transient: libtorch's
/// <c>Scalar</c> checks ("Expected false to be true", "Unknown scalar type") raised when TorchSharp 0.107 has already finalized an
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
        e.Message.Contains("Unknown scalar type", StringComparison.Ordinal);
}
