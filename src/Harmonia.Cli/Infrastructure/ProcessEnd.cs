using System.Runtime.InteropServices;
using Harmonia.Models.Runtime;

namespace Harmonia.Cli.Infrastructure;

/// <summary>
/// How the harmonia process ends. Once TorchSharp's native library is loaded, a normal exit runs libtorch's static
/// destructors (its thousands of operator registrations are taken down one by one and its heap unmapped): about
/// 80 ms of CPU after every learned-method command (perf on a 1 MP <c>harmonize</c>), more than the network pass
/// itself. By then the command has finished — outputs written and closed, the deferred method disposed — and .NET
/// runs no finalizers at exit anyway, so the process ends with <c>_exit</c> after flushing the console.
/// </summary>
internal static class ProcessEnd
{
    [DllImport("libc", EntryPoint = "_exit")]
    static extern void ExitNow(int status);

    /// <summary>
    /// Ends the process with <paramref name="exitCode"/> without native teardown when TorchSharp was loaded on Linux;
    /// otherwise returns and the caller exits normally. Only for the program's entry point: tests call
    /// <see cref="HarmoniaCli.Run"/> in-process.
    /// </summary>
    public static void SkipNativeTeardown(int exitCode)
    {
        if (!OperatingSystem.IsLinux() || !TorchRuntime.IsLoaded) return;
        Console.Out.Flush();
        Console.Error.Flush();
        try
        {
            ExitNow(exitCode);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc without _exit: the normal exit is only slower.
        }
    }
}
