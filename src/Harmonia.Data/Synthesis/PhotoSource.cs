using Harmonia.Core.Errors;

namespace Harmonia.Data.Synthesis;

/// <summary>
/// One folder of photos with their masks (same file stem), optionally labelled: by a Lalonde-style CSV
/// (<c>file</c> and <c>object</c> columns) and/or one label for every photo of the source (e.g. "person" for a
/// person-only set; the CSV wins where it has the photo). <paramref name="Prefix"/> is put before every stem in the
/// output names (and in the per-sample random keys), so two sources may reuse file names.
/// </summary>
public sealed record PhotoSource(string PhotosDir, string MasksDir, string? LabelsCsv = null, string? Label = null, string Prefix = "")
{
    /// <summary>
    /// Parses a CLI spec <c>photos=DIR,masks=DIR[,labels=CSV][,label=TEXT][,prefix=TEXT]</c>, or the short form
    /// <c>PHOTOS,MASKS[,LABELS_CSV]</c> (positional). Throws <see cref="UsageException"/> on a bad spec.
    /// </summary>
    public static PhotoSource Parse(string spec)
    {
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        if (parts.All(p => !p.Contains('=')))
        {
            if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
                throw new UsageException($"Bad --source '{spec}': expected PHOTOS,MASKS[,LABELS_CSV] or photos=DIR,masks=DIR[,labels=CSV][,label=TEXT][,prefix=TEXT].");
            return new PhotoSource(parts[0], parts[1], parts.Length == 3 ? parts[2] : null);
        }
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            int eq = part.IndexOf('=');
            var key = eq < 0 ? "" : part[..eq].Trim();
            if (key is not ("photos" or "masks" or "labels" or "label" or "prefix"))
                throw new UsageException($"Bad --source entry '{part}' in '{spec}': use photos=, masks=, labels=, label=, prefix=.");
            if (!values.TryAdd(key, part[(eq + 1)..].Trim())) throw new UsageException($"--source '{spec}' gives '{key}' twice.");
        }
        if (!values.TryGetValue("photos", out var photos) || photos.Length == 0 || !values.TryGetValue("masks", out var masks) || masks.Length == 0)
            throw new UsageException($"--source '{spec}' needs photos=DIR and masks=DIR.");
        var prefix = values.GetValueOrDefault("prefix", "");
        if (prefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || prefix.Contains(' '))
            throw new UsageException($"--source prefix '{prefix}' must be usable in a file name (no spaces or separators).");
        return new PhotoSource(photos, masks, values.GetValueOrDefault("labels") is { Length: > 0 } l ? l : null,
            values.GetValueOrDefault("label") is { Length: > 0 } t ? t : null, prefix);
    }
}
