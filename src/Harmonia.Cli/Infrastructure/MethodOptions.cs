using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;

namespace Harmonia.Cli.Infrastructure;

/// <summary>The options every command that runs a method shares: --method, --set, --mask-threshold.</summary>
public sealed class MethodOptions
{
    /// <summary>Method name from the registry.</summary>
    public Option<string> Method { get; } = new("--method", "-m")
    {
        Description = $"Harmonization method (see 'harmonia methods'). Default: {MethodCatalog.DefaultMethod}.",
        DefaultValueFactory = _ => MethodCatalog.DefaultMethod,
    };

    /// <summary>Method settings as key=value.</summary>
    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "A method setting as key=value (repeatable); 'harmonia methods' lists each method's settings.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Binary mask threshold.</summary>
    public Option<float> MaskThreshold { get; } = new("--mask-threshold")
    {
        Description = "Mask value at or above which a pixel counts as foreground for statistics and metrics (0-1].",
        DefaultValueFactory = _ => Mask.DefaultThreshold,
    };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Method);
        command.Options.Add(Set);
        command.Options.Add(MaskThreshold);
    }

    /// <summary>Creates the method chosen on the command line, with its settings checked.</summary>
    public IHarmonizer CreateMethod(ParseResult parsed, MethodSettings? extra = null)
    {
        var settings = MethodSettings.Parse(parsed.GetValue(Set) ?? []);
        if (extra is not null)
            foreach (var key in extra.Keys)
                settings = settings.With(key, extra.GetString(key)!);
        var method = MethodCatalog.CreateDefault().Create(parsed.GetValue(Method)!, settings);
        if (method is ISetupWarnings { SetupWarnings: var warnings })
            foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
        return method;
    }

    /// <summary>The threshold, checked.</summary>
    public float GetThreshold(ParseResult parsed)
    {
        var t = parsed.GetValue(MaskThreshold);
        if (!(t > 0f && t <= 1f)) throw new UsageException($"--mask-threshold must be in (0, 1], got {t}.");
        return t;
    }
}
