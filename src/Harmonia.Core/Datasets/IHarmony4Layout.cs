using Harmonia.Core.Errors;

namespace Harmonia.Core.Datasets;

/// <summary>One composite of a paired dataset: its mask and, when known, the real (ground-truth) image.</summary>
/// <param name="Subset">Subset folder name, e.g. HAdobe5k.</param>
/// <param name="Name">Composite file name without extension, e.g. a0002_1_4.</param>
public sealed record HarmonizationSample(string Subset, string Name, string CompositePath, string MaskPath, string? RealPath);

/// <summary>One listed composite of a layout: its sample, or why it could not be resolved.</summary>
/// <param name="Subset">Subset folder name.</param>
/// <param name="CompositePath">Path of the composite as listed.</param>
/// <param name="Sample">The resolved sample, or null.</param>
/// <param name="Problem">Why <paramref name="Sample"/> is null (a user-facing message), else null.</param>
public sealed record LayoutEntry(string Subset, string CompositePath, HarmonizationSample? Sample, string? Problem);

/// <summary>
/// Reads the iHarmony4 layout: <c>&lt;root&gt;/&lt;Subset&gt;/{composite_images,masks,real_images}/</c> with optional
/// <c>&lt;Subset&gt;_train.txt</c> / <c>&lt;Subset&gt;_test.txt</c> lists. Composite <c>X_i_j.jpg</c> has mask
/// <c>X_i.png</c> and real image <c>X.jpg</c>. Without a list file for "train" or "test", every composite of the subset is
/// used (datasets shipped without lists); any other split name (e.g. "novel", written by
/// <c>scripts/novel-category-split.py</c>) reads only its <c>&lt;Subset&gt;_&lt;split&gt;.txt</c> lists, and a subset without one
/// contributes nothing, so a missing list never silently widens a split.
/// The root may also be a single subset folder. Folders without <c>composite_images</c> are ignored.
/// </summary>
public static class IHarmony4Layout
{
    /// <summary>Folder names of the layout.</summary>
    public const string Composites = "composite_images", Masks = "masks", Reals = "real_images";

    /// <summary>Whether <paramref name="root"/> is a subset folder or holds at least one.</summary>
    public static bool IsLayout(string root) => SubsetFolders(root).Count > 0;

    /// <summary>Subset folders under <paramref name="root"/> (or root itself when it is one), sorted by name.</summary>
    public static IReadOnlyList<string> SubsetFolders(string root)
    {
        if (!Directory.Exists(root)) return [];
        if (Directory.Exists(Path.Combine(root, Composites))) return [root];
        return Directory.GetDirectories(root)
            .Where(d => Directory.Exists(Path.Combine(d, Composites)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Lists the samples of <paramref name="split"/> ("train", "test", another list name, or null for every composite).
    /// Throws <see cref="HarmoniaException"/> when the folder is missing or is not this layout, or when any listed
    /// composite cannot be resolved (see <see cref="ReadEntries"/> to keep the others).
    /// </summary>
    public static IReadOnlyList<HarmonizationSample> Read(string root, string? split = "test")
    {
        var entries = ReadEntries(root, split);
        if (entries.FirstOrDefault(e => e.Sample is null) is { } bad) throw new HarmoniaException(bad.Problem!);
        return entries.Select(e => e.Sample!).ToList();
    }

    /// <summary>
    /// Like <see cref="Read"/>, but a composite whose mask is missing (or whose name does not follow the layout)
    /// becomes an entry with a <see cref="LayoutEntry.Problem"/> instead of failing the whole listing.
    /// </summary>
    public static IReadOnlyList<LayoutEntry> ReadEntries(string root, string? split = "test")
    {
        if (!Directory.Exists(root)) throw new HarmoniaException($"Dataset folder '{root}' not found.");
        var subsets = SubsetFolders(root);
        if (subsets.Count == 0)
            throw new HarmoniaException($"'{root}' is not an iHarmony4-layout dataset (no <Subset>/{Composites}/ folder).");
        var entries = new List<LayoutEntry>();
        foreach (var dir in subsets)
        {
            var subset = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir)));
            foreach (var file in CompositeFiles(dir, subset, split))
            {
                var composite = Path.Combine(dir, Composites, file);
                try { entries.Add(new LayoutEntry(subset, composite, Resolve(dir, subset, file), null)); }
                catch (HarmoniaException e) { entries.Add(new LayoutEntry(subset, composite, null, e.Message)); }
            }
        }
        return entries;
    }

    static IEnumerable<string> CompositeFiles(string dir, string subset, string? split)
    {
        var list = split is null ? null : Path.Combine(dir, $"{subset}_{split}.txt");
        if (list is not null && File.Exists(list))
        {
            return File.ReadLines(list)
                .Select(l => l.Trim())
                .Where(l => l.Length > 0)
                .Select(l => Path.GetFileName(l.Replace('\\', '/')))
                .Distinct()
                .ToList();
        }
        if (split is not (null or "train" or "test")) return [];
        return Directory.GetFiles(Path.Combine(dir, Composites))
            .Select(Path.GetFileName)
            .Where(n => n is not null && !n.StartsWith('.'))
            .Select(n => n!)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    static HarmonizationSample Resolve(string dir, string subset, string file)
    {
        var name = Path.GetFileNameWithoutExtension(file);
        var composite = Path.Combine(dir, Composites, file);
        if (!File.Exists(composite)) throw new HarmoniaException($"Listed composite '{composite}' not found.");
        var parts = name.Split('_');
        if (parts.Length < 3)
            throw new HarmoniaException($"Composite name '{file}' in {subset} does not follow X_i_j (mask X_i, real X).");
        var maskStem = string.Join('_', parts[..^1]);
        var realStem = string.Join('_', parts[..^2]);
        var mask = FindWithStem(Path.Combine(dir, Masks), maskStem)
                   ?? throw new HarmoniaException($"Mask '{maskStem}.png' for composite '{file}' not found in {subset}/{Masks}.");
        var real = FindWithStem(Path.Combine(dir, Reals), realStem);
        return new HarmonizationSample(subset, name, composite, mask, real);
    }

    static string? FindWithStem(string folder, string stem)
    {
        foreach (var ext in new[] { ".png", ".jpg", ".jpeg", ".webp", ".bmp" })
        {
            var p = Path.Combine(folder, stem + ext);
            if (File.Exists(p)) return p;
        }
        return null;
    }
}
