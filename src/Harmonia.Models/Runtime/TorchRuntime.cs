using Harmonia.Core.Errors;
using TorchSharp;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Proves TorchSharp's native library loads before a learned method runs, and turns a load failure into one
/// user-facing line that says how to fix it.
/// </summary>
public static class TorchRuntime
{
    static readonly Lazy<string?> LoadError = new(TryLoad);

    /// <summary>Whether TorchSharp's native library has been loaded in this process (through <see cref="EnsureAvailable"/>).</summary>
    public static bool IsLoaded => LoadError.IsValueCreated && LoadError.Value is null;

    /// <summary>
    /// Starts loading TorchSharp's native library on a pool thread (once), so work that needs no libtorch — reading
    /// and checking a weights file — runs during the load (about 0.2 s of libtorch's static initialisation);
    /// <see cref="EnsureAvailable"/> then waits for it.
    /// </summary>
    public static void StartLoading()
    {
        if (!LoadError.IsValueCreated) _ = Task.Run(() => LoadError.Value);
    }

    /// <summary>Throws <see cref="HarmoniaException"/> with the fix when TorchSharp cannot load.</summary>
    public static void EnsureAvailable()
    {
        if (LoadError.Value is { } error) throw new HarmoniaException(error);
    }

    static string? TryLoad()
    {
        try
        {
            using var probe = torch.zeros(1);
            torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or BadImageFormatException)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            var firstLine = inner.Split('\n', 2)[0].Trim();
            return "TorchSharp's native library could not be loaded (" + firstLine + "). " +
                   "Fix: build with 'dotnet build -c Release' so the GLIBCXX_3.4.32 weak-version patch is applied to the output's libLibTorchSharp.so, " +
                   "or install a libstdc++ that provides GLIBCXX_3.4.32.";
        }
    }
}
