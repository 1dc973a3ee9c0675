using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Registry;
using Harmonia.Models;

namespace Harmonia.Cli.Infrastructure;

/// <summary>The options every command that runs a method shares: --method, --set, --mask-threshold.</summary>
public sealed class MethodOptions
{
    /// <summary>Method name from the registry.</summary>
    public Option<string> Method { get; } = new("--method", "-m")
    {
        Description = $"Harmonization method (see 'harmonia methods'). Default: the method named in the metadata of a Harmonia weights file given as model, else {MethodCatalog.DefaultMethod}.",
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
        var settings = Settings(parsed, extra);
        var registry = MethodCatalog.CreateDefault();
        return WithWarnings(registry.Create(MethodName(parsed, settings, registry), settings));
    }

    /// <summary>
    /// The method named with --method; without it, the method a Harmonia weights file given as <c>model</c> declares
    /// (so <c>--model models/s2crnet-c-v1.safetensors</c> keeps meaning s2crnet while the default is another method),
    /// else the default.
    /// </summary>
    public string MethodName(ParseResult parsed) => MethodName(parsed, Settings(parsed, null), MethodCatalog.CreateDefault());

    string MethodName(ParseResult parsed, MethodSettings settings, NamedRegistry<HarmonizerDescriptor> registry)
    {
        if (parsed.GetResult(Method) is { Implicit: false }) return parsed.GetValue(Method)!;
        var declared = settings.GetString("model", "") is { Length: > 0 } model ? Harmonia.Models.Weights.WeightsFile.DeclaredMethod(model) : null;
        return declared is not null && registry.Contains(declared) ? declared : parsed.GetValue(Method)!;
    }

    /// <summary>Prints the method's setup warnings (e.g. an ignored --label) once, on stderr.</summary>
    static IHarmonizer WithWarnings(IHarmonizer method)
    {
        if (method is ISetupWarnings { SetupWarnings: var warnings })
            foreach (var w in warnings) Console.Error.WriteLine($"harmonia: warning: {w}.");
        return method;
    }

    /// <summary>
    /// Checks the method's name and settings now (usage errors first) and creates it on first use, so weights load
    /// only after the inputs passed their checks. <paramref name="sideOutputKeys"/>: settings that name output files.
    /// </summary>
    public DeferredHarmonizer CreateDeferred(ParseResult parsed, MethodSettings? extra, params string[] sideOutputKeys)
    {
        var settings = Settings(parsed, extra);
        var registry = MethodCatalog.CreateDefault();
        var descriptor = registry.Get(MethodName(parsed, settings, registry));
        settings.RejectUnknown(descriptor.Name, descriptor.Settings);
        var sideOutputs = sideOutputKeys.Select(k => settings.GetString(k, "")).Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList();
        return new DeferredHarmonizer(() => WithWarnings(registry.Create(descriptor.Name, settings)), sideOutputs);
    }

    MethodSettings Settings(ParseResult parsed, MethodSettings? extra)
    {
        var settings = MethodSettings.Parse(parsed.GetValue(Set) ?? []);
        if (extra is not null)
            foreach (var key in extra.Keys)
                settings = settings.With(key, extra.GetString(key)!);
        return settings;
    }

    /// <summary>The threshold, checked.</summary>
    public float GetThreshold(ParseResult parsed)
    {
        var t = parsed.GetValue(MaskThreshold);
        if (!(t > 0f && t <= 1f)) throw new UsageException($"--mask-threshold must be in (0, 1], got {t}.");
        return t;
    }
}
