using Harmonia.Core.Registry;

namespace Harmonia.Core.Methods;

/// <summary>
/// Describes a registered method: its name, a one-line description, the settings it accepts, and a factory.
/// The factory receives settings already checked against <see cref="Settings"/>. Each method declares its
/// descriptor beside a <c>Name</c> constant; <c>MethodCatalog</c> registers it with one line.
/// </summary>
public sealed record HarmonizerDescriptor(
    string Name,
    string Description,
    IReadOnlyList<MethodSetting> Settings,
    Func<MethodSettings, IHarmonizer> Factory) : INamedEntry;

/// <summary>Creating methods from a registry of <see cref="HarmonizerDescriptor"/>s.</summary>
public static class HarmonizerRegistry
{
    /// <summary>An empty registry of methods.</summary>
    public static NamedRegistry<HarmonizerDescriptor> CreateEmpty() => new("method");

    /// <summary>Creates the named method after checking its settings (unknown name or setting: <see cref="Errors.UsageException"/>).</summary>
    public static IHarmonizer Create(this NamedRegistry<HarmonizerDescriptor> registry, string name, MethodSettings? settings = null)
    {
        var d = registry.Get(name);
        settings ??= MethodSettings.Empty;
        settings.RejectUnknown(d.Name, d.Settings);
        return d.Factory(settings);
    }
}
