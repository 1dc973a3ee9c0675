using System.Runtime.InteropServices;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Tunes glibc's allocator for training loops. libtorch on the CPU allocates every intermediate tensor with malloc
/// and frees it at the end of the step; by default glibc hands large freed blocks back to the kernel (trim), so the
/// next step faults the same pages in again, which is slow on this kind of VM. Keeping freed memory in the heap
/// (large trim threshold, 512 MB top pad; measured with the equivalent MALLOC_ environment variables) took PHNet at
/// 128² on 2 cores from 25 to 33 samples/s. Process-wide, so only an entry point that owns the process calls it (the
/// <c>train</c> command); a no-op off glibc Linux.
/// </summary>
public static class NativeHeap
{
    const int TrimThreshold = -1, TopPad = -2;   // mallopt parameters M_TRIM_THRESHOLD, M_TOP_PAD

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int Mallopt(int parameter, int value);

    /// <summary>Asks glibc to keep freed memory for reuse. Returns whether both settings were accepted.</summary>
    public static bool RetainFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Mallopt(TrimThreshold, int.MaxValue) == 1 & Mallopt(TopPad, 512 << 20) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // musl or another libc without mallopt
        }
    }
}
