using Harmonia.Core.Errors;

namespace Harmonia.Core.Methods;

/// <summary>
/// Describes a registered method: its name, a one-line description, the settings it accepts, and a factory.
/// The factory receives settings already checked against <see cref="Settings"/>.
/// </summary>
public sealed record HarmonizerDescriptor(
    string Name,
    string Description,
    IReadOnlyList<MethodSetting> Settings,
    Func<MethodSettings, IHarmonizer> Factory);

/// <summary>Methods by name (case-insensitive). Layers register their methods; the CLI and web look them up.</summary>
public sealed class HarmonizerRegistry
{
    readonly Dictionary<string, HarmonizerDescriptor> byName = new(StringComparer.OrdinalIgnoreCase);
    readonly List<HarmonizerDescriptor> ordered = [];

    /// <summary>Registered methods in registration order.</summary>
    public IReadOnlyList<HarmonizerDescriptor> All => ordered;

    /// <summary>Adds a method; names must be unique.</summary>
    public HarmonizerRegistry Register(HarmonizerDescriptor descriptor)
    {
        if (!byName.TryAdd(descriptor.Name, descriptor))
            throw new InvalidOperationException($"A method named '{descriptor.Name}' is already registered.");
        ordered.Add(descriptor);
        return this;
    }

    /// <summary>Whether a method of that name exists.</summary>
    public bool Contains(string name) => byName.ContainsKey(name);

    /// <summary>The descriptor, or a <see cref="UsageException"/> naming the known methods.</summary>
    public HarmonizerDescriptor Get(string name) =>
        byName.TryGetValue(name, out var d)
            ? d
            : throw new UsageException($"Unknown method '{name}' (known: {string.Join(", ", ordered.Select(m => m.Name))}).");

    /// <summary>Creates the named method after checking its settings.</summary>
    public IHarmonizer Create(string name, MethodSettings? settings = null)
    {
        var d = Get(name);
        settings ??= MethodSettings.Empty;
        settings.RejectUnknown(d.Name, d.Settings);
        return d.Factory(settings);
    }
}
