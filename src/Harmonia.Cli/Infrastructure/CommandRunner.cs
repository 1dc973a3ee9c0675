using System.CommandLine;
using Harmonia.Core.Errors;

namespace Harmonia.Cli.Infrastructure;

/// <summary>
/// Runs a parsed command line so that every failure becomes one line on stderr: usage errors exit 2,
/// failures exit 1, and no stack trace reaches the user.
/// </summary>
public static class CommandRunner
{
    /// <summary>Exit code of a usage error.</summary>
    public const int UsageExitCode = 2;

    /// <summary>Parses and invokes; maps errors to exit codes.</summary>
    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            Console.Error.WriteLine($"harmonia: {parsed.Errors[0].Message} (see --help)");
            return UsageExitCode;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            return Report(e);
        }
    }

    /// <summary>Writes the one-line message for <paramref name="e"/> and returns its exit code.</summary>
    public static int Report(Exception e)
    {
        var (message, code) = Describe(e);
        Console.Error.WriteLine($"harmonia: {message}");
        return code;
    }

    /// <summary>The one-line message (without the "harmonia: " prefix) and exit code for <paramref name="e"/>.</summary>
    public static (string Message, int ExitCode) Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        return e switch
        {
            HarmoniaException h => (OneLine(h.Message), h.ExitCode),
            OperationCanceledException => ("cancelled.", 130),
            OutOfMemoryException => ("out of memory: the image or model is too large for this machine (see --max-pixels).", 1),
            _ => ($"unexpected failure: {e.GetType().Name}: {OneLine(e.Message)}", 1),
        };
    }

    static string OneLine(string message) => message.Split('\n')[0].TrimEnd('\r');
}
