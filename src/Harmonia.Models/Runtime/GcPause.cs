using System.Runtime;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Runs a network pass with garbage collection held off, so TorchSharp 0.107's implicit <c>Scalar</c>s created
/// inside it (the hidden <c>alpha</c> of <c>tensor + tensor</c>, and those inside TorchSharp's own modules) cannot be
/// finalized while libtorch still uses them (see <see cref="TorchScalars"/>): a Scalar becomes finalizable only when a
/// collection finds it unreachable, and none starts inside the region. Inference passes allocate little managed
/// memory; when the budget runs out (other threads allocate too) the runtime ends the region and collects as usual,
/// so this narrows the race rather than closing it. One region at a time per process, hence the lock.
/// Remove with the workaround row in <c>Runtime/README.md</c> when TorchSharp keeps its Scalars alive.
/// </summary>
public static class GcPause
{
    /// <summary>Managed bytes the region may allocate (all threads) before the runtime collects anyway.</summary>
    public const long Budget = 64L << 20;

    static readonly object Gate = new();

    /// <summary>Runs <paramref name="pass"/> inside a no-GC region when one can be started, else as is.</summary>
    public static T Run<T>(Func<T> pass)
    {
        lock (Gate)
        {
            bool started = false;
            try { started = GC.TryStartNoGCRegion(Budget); }
            catch (InvalidOperationException) { }   // a region is already active (started outside this helper)
            try
            {
                return pass();
            }
            finally
            {
                if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                {
                    try { GC.EndNoGCRegion(); }
                    catch (InvalidOperationException) { }   // the runtime ended it already (budget exceeded)
                }
            }
        }
    }
}
