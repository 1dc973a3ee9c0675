using System.Diagnostics;

namespace Harmonia.Tests.Support;

/// <summary>What a CLI run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string StdOut, string StdErr);

/// <summary>
/// Runs the real <c>harmonia</c> CLI (copied into the test output by the project reference) as a child process, so
/// exit codes and stderr are exactly what a user sees. <c>HARMONIA_TEST_CLI</c> may name another <c>harmonia.dll</c>
/// (e.g. an older build, to show which tests it fails).
/// </summary>
public static class CliProcess
{
    /// <summary>Runs <c>dotnet harmonia.dll args...</c> with a 120 s timeout.</summary>
    public static CliResult Run(params string[] args) => RunWithTimeout(120, args);

    /// <summary>Runs <c>dotnet harmonia.dll args...</c>; a run longer than <paramref name="seconds"/> is killed and fails the test.</summary>
    public static CliResult RunWithTimeout(int seconds, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Environment.GetEnvironmentVariable("HARMONIA_TEST_CLI") is { Length: > 0 } other
            ? other
            : Path.Combine(AppContext.BaseDirectory, "harmonia.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(seconds * 1000))
        {
            p.Kill(true);
            throw new TimeoutException($"harmonia did not finish in {seconds} s");
        }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
