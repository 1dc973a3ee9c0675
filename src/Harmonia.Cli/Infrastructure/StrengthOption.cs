using System.CommandLine;
using Harmonia.Core.Errors;

namespace Harmonia.Cli.Infrastructure;

/// <summary><c>--strength</c>, shared by the commands that render a method (harmonize, eval): one spelling, one check.</summary>
public sealed class StrengthOption
{
    /// <summary>The option (default 1).</summary>
    public Option<float> Option { get; }

    /// <summary>Creates the option with the command's own description.</summary>
    public StrengthOption(string description) =>
        Option = new Option<float>("--strength") { Description = description, DefaultValueFactory = _ => 1f };

    /// <summary>The parsed value; outside [0, 1] is a <see cref="UsageException"/> (exit 2).</summary>
    public float Get(ParseResult parsed)
    {
        var value = parsed.GetValue(Option);
        if (!(value >= 0f && value <= 1f)) throw new UsageException($"--strength must be between 0 and 1, got {value}.");
        return value;
    }
}
