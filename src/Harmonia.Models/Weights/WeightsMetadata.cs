using System.Globalization;
using Harmonia.Core.Errors;

namespace Harmonia.Models.Weights;

/// <summary>
/// Reads numbers from a weights file's string metadata without trusting them: every value must parse and lie in a
/// sane range before a network is sized from it (a file saying <c>stages=999999</c> is refused, not built).
/// </summary>
public static class WeightsMetadata
{
    /// <summary>The integer at <paramref name="key"/> (or <paramref name="fallback"/> when absent), checked to lie in [min, max].</summary>
    public static int Int(IReadOnlyDictionary<string, string> metadata, string key, int fallback, int min, int max) =>
        metadata.TryGetValue(key, out var text) ? Parse(key, text, min, max) : fallback;

    /// <summary>A comma-separated integer list at <paramref name="key"/> (or <paramref name="fallback"/>), each in [min, max], at most <paramref name="maxCount"/> long.</summary>
    public static int[] IntList(IReadOnlyDictionary<string, string> metadata, string key, int[] fallback, int min, int max, int maxCount = 64)
    {
        if (!metadata.TryGetValue(key, out var text)) return fallback;
        var parts = text.Split(',');
        if (parts.Length > maxCount)
            throw new HarmoniaException($"weights metadata '{key}' lists {parts.Length} values; at most {maxCount} are allowed.");
        return parts.Select(p => Parse(key, p, min, max)).ToArray();
    }

    /// <summary>The flag at <paramref name="key"/> ("true" or "false", any case), or <paramref name="fallback"/> when absent.</summary>
    public static bool Bool(IReadOnlyDictionary<string, string> metadata, string key, bool fallback)
    {
        if (!metadata.TryGetValue(key, out var text)) return fallback;
        return bool.TryParse(text.Trim(), out var value) ? value
            : throw new HarmoniaException($"weights metadata '{key}' = '{Shorten(text)}' is not true or false; the file is damaged or not made for this model.");
    }

    static int Parse(string key, string text, int min, int max)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new HarmoniaException($"weights metadata '{key}' = '{Shorten(text)}' is not an integer between {min} and {max}; the file is damaged or not made for this model.");
        return value;
    }

    static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
