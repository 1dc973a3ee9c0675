using System.Collections.Immutable;
using System.Globalization;
using Harmonia.Core.Errors;

namespace Harmonia.Core.Methods;

/// <summary>One setting a method accepts: its key, what it means and its default, shown by <c>harmonia methods</c>.</summary>
public sealed record MethodSetting(string Key, string Description, string Default);

/// <summary>
/// Immutable key/value settings for a method (from the CLI's <c>--set key=value</c>, dedicated flags, or the API).
/// Typed getters throw <see cref="UsageException"/> on values that do not parse.
/// </summary>
public sealed class MethodSettings
{
    /// <summary>No settings: every method uses its defaults.</summary>
    public static readonly MethodSettings Empty = new(ImmutableDictionary<string, string>.Empty);

    readonly ImmutableDictionary<string, string> values;

    MethodSettings(ImmutableDictionary<string, string> values) => this.values = values;

    /// <summary>Creates settings from pairs; keys are case-insensitive.</summary>
    public static MethodSettings From(IEnumerable<KeyValuePair<string, string>> pairs) =>
        new(pairs.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase));

    /// <summary>Parses <c>key=value</c> strings.</summary>
    public static MethodSettings Parse(IEnumerable<string> assignments)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in assignments)
        {
            int eq = a.IndexOf('=');
            if (eq <= 0) throw new UsageException($"Setting '{a}' must look like key=value.");
            builder[a[..eq].Trim()] = a[(eq + 1)..].Trim();
        }
        return new(builder.ToImmutable());
    }

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public MethodSettings With(string key, string value) => new(values.SetItem(key, value));

    /// <summary>All keys present.</summary>
    public IEnumerable<string> Keys => values.Keys;

    /// <summary>Whether the key is present.</summary>
    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>The raw value or <paramref name="fallback"/>.</summary>
    public string? GetString(string key, string? fallback = null) => values.TryGetValue(key, out var v) ? v : fallback;

    /// <summary>An integer in [min, max] or the fallback.</summary>
    public int GetInt(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!values.TryGetValue(key, out var v)) return fallback;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) || i < min || i > max)
            throw new UsageException($"Setting '{key}' must be an integer between {min} and {max}, got '{v}'.");
        return i;
    }

    /// <summary>A number in [min, max] or the fallback.</summary>
    public double GetDouble(string key, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!values.TryGetValue(key, out var v)) return fallback;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !(d >= min && d <= max))
            throw new UsageException($"Setting '{key}' must be a number between {min} and {max}, got '{v}'.");
        return d;
    }

    /// <summary>A flag ("true" or "false", any case) or the fallback.</summary>
    public bool GetBool(string key, bool fallback)
    {
        if (!values.TryGetValue(key, out var v)) return fallback;
        return bool.TryParse(v.Trim(), out var b) ? b : throw new UsageException($"Setting '{key}' must be true or false, got '{v}'.");
    }

    /// <summary>One of an enum's members by its lower-case name (<see cref="EnumNames"/>), or the fallback.</summary>
    public T GetChoice<T>(string key, T fallback) where T : struct, Enum
    {
        if (!values.TryGetValue(key, out var v) || v.Length == 0) return fallback;
        return EnumNames.TryParse<T>(v, out var choice) ? choice
            : throw new UsageException($"Setting '{key}' must be {EnumNames.Choices<T>()}, got '{v}'.");
    }

    /// <summary>Throws a <see cref="UsageException"/> for any key that is not in <paramref name="accepted"/>.</summary>
    public void RejectUnknown(string method, IEnumerable<MethodSetting> accepted)
    {
        var known = accepted.Select(s => s.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var key in values.Keys)
            if (!known.Contains(key))
                throw new UsageException(known.Count == 0
                    ? $"Method '{method}' takes no setting '{key}'."
                    : $"Method '{method}' has no setting '{key}' (it accepts: {string.Join(", ", known.Order())}).");
    }
}
