namespace Harmonia.Core.Errors;

/// <summary>
/// A failure whose message is written for the user: the CLI prints it as one line and exits with
/// <see cref="ExitCode"/> (1 for a failure, 2 for a usage error). Never carries a stack trace to the user.
/// </summary>
public class HarmoniaException : Exception
{
    /// <summary>Creates a failure (exit code 1) with a user-facing message.</summary>
    public HarmoniaException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>Process exit code the CLI uses for this error.</summary>
    public virtual int ExitCode => 1;
}

/// <summary>A usage error: wrong option, unknown method, bad value (exit code 2).</summary>
public sealed class UsageException(string message) : HarmoniaException(message)
{
    /// <inheritdoc />
    public override int ExitCode => 2;
}
