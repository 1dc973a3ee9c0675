using Harmonia.Core.Errors;

namespace Harmonia.Core.Registry;

/// <summary>Something a <see cref="NamedRegistry{T}"/> holds: a unique name (the command-line spelling) and a one-line description.</summary>
public interface INamedEntry
{
    /// <summary>Unique, case-insensitive name, e.g. "s2crnet", "adamw", "pctnet", "transfer".</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c> and listings.</summary>
    string Description { get; }
}

/// <summary>
/// The one registry shape Harmonia uses for methods, trainable methods, optimizers, metric protocols and perturbation
/// families: entries by case-insensitive name in registration order. Each kind has a composition root that
/// registers its entries with one line each, using the entry's name constant. Not thread-safe while registering;
/// safe to read from many threads afterwards.
/// </summary>
/// <typeparam name="T">The entry type.</typeparam>
public sealed class NamedRegistry<T> where T : INamedEntry
{
    readonly Dictionary<string, T> byName = new(StringComparer.OrdinalIgnoreCase);
    readonly List<T> ordered = [];

    /// <summary>Creates an empty registry; <paramref name="kind"/> names the entries in messages ("method", "optimizer").</summary>
    public NamedRegistry(string kind) => Kind = kind;

    /// <summary>What the entries are, for messages.</summary>
    public string Kind { get; }

    /// <summary>Entries in registration order.</summary>
    public IReadOnlyList<T> All => ordered;

    /// <summary>Names in registration order.</summary>
    public IReadOnlyList<string> Names => ordered.Select(e => e.Name).ToList();

    /// <summary>Adds an entry; a name registered twice is a programming error (<see cref="InvalidOperationException"/>).</summary>
    public NamedRegistry<T> Register(T entry)
    {
        if (!byName.TryAdd(entry.Name, entry))
            throw new InvalidOperationException($"A {Kind} named '{entry.Name}' is already registered.");
        ordered.Add(entry);
        return this;
    }

    /// <summary>Whether an entry of that name exists.</summary>
    public bool Contains(string name) => byName.ContainsKey(name.Trim());

    /// <summary>The entry called <paramref name="name"/>, or null.</summary>
    public T? Find(string name) => byName.TryGetValue(name.Trim(), out var e) ? e : default;

    /// <summary>The entry, or a <see cref="UsageException"/> naming the known ones.</summary>
    public T Get(string name) =>
        byName.TryGetValue(name?.Trim() ?? "", out var e)
            ? e
            : throw new UsageException($"Unknown {Kind} '{name}' (known: {string.Join(", ", Names)}).");
}
