using Harmonia.Core.Registry;
using System.Collections.Concurrent;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;

namespace Harmonia.Web.Sessions;

/// <summary>
/// One instance per (method, settings), created on first use and reused, because learned methods load weights
/// once and are not thread-safe: each instance runs one call at a time. Settings that name files are refused,
/// so no request can make the server read or write a path.
/// </summary>
public sealed class MethodPool(NamedRegistry<HarmonizerDescriptor> registry)
{
    /// <summary>Distinct (method, settings) instances kept; a request beyond this gets a short-lived instance.</summary>
    public const int MaxInstances = 32;

    /// <summary>Setting keys whose values are file paths: never accepted over HTTP.</summary>
    public static readonly IReadOnlySet<string> PathSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "model", "curves-out", "init" };

    readonly ConcurrentDictionary<string, Lazy<Guarded>> instances = new();

    /// <summary>The registry the pool creates methods from.</summary>
    public NamedRegistry<HarmonizerDescriptor> Registry => registry;

    sealed class Guarded(IHarmonizer method)
    {
        public IHarmonizer Method { get; } = method;
        public object Gate { get; } = new();
    }

    /// <summary>Checks the name and settings (unknown method or setting, or a path setting: <see cref="UsageException"/>).</summary>
    public HarmonizerDescriptor Check(string name, MethodSettings settings)
    {
        var descriptor = registry.Get(name);
        foreach (var key in settings.Keys)
            if (PathSettings.Contains(key))
                throw new UsageException($"Setting '{key}' names a file and is not accepted over HTTP; start the server with the weights you want instead.");
        settings.RejectUnknown(descriptor.Name, descriptor.Settings);
        return descriptor;
    }

    /// <summary>Runs <paramref name="work"/> with the method, one call at a time per instance.</summary>
    public T Run<T>(string name, MethodSettings settings, Func<IHarmonizer, T> work)
    {
        var descriptor = Check(name, settings);
        var key = descriptor.Name + "?" + string.Join("&", settings.Keys.Order(StringComparer.OrdinalIgnoreCase)
            .Select(k => k.ToLowerInvariant() + "=" + settings.GetString(k)));
        if (!instances.ContainsKey(key) && instances.Count >= MaxInstances)
        {
            var transient = registry.Create(descriptor.Name, settings);
            try { return work(transient); }
            finally { (transient as IDisposable)?.Dispose(); }
        }
        var guarded = instances.GetOrAdd(key, _ => new Lazy<Guarded>(() => new Guarded(registry.Create(descriptor.Name, settings)))).Value;
        lock (guarded.Gate) return work(guarded.Method);
    }
}
