using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;

namespace Harmonia.Core.Pipeline;

/// <summary>A composite and its mask, found in a folder or named in a list.</summary>
/// <param name="Name">
/// What the pair is called in outputs and labels: <c>Subset/name</c> (iHarmony4 layout), <c>name</c> (a flat folder,
/// <c>_composite</c> dropped) or the composite path as written in a list file.
/// </param>
/// <param name="CompositePath">The composite image file.</param>
/// <param name="MaskPath">The mask file ("" when <paramref name="Problem"/> is set).</param>
/// <param name="Problem">Why an iHarmony4-layout composite has no usable pair (e.g. its mask is missing); null for a good pair.</param>
/// <param name="RealPath">
/// The ground truth when one is known (an iHarmony4 real image, <c>name_real.*</c> beside a flat folder's pair, a list
/// line's third field); null otherwise.
/// </param>
public sealed record CompositePair(string Name, string CompositePath, string MaskPath, string? Problem = null, string? RealPath = null);

/// <summary>
/// Finds composite/mask pairs. A folder is either an iHarmony4 layout or flat, pairing <c>name.ext</c> (or
/// <c>name_composite.ext</c>) with <c>name_mask.*</c>. A list file names pairs explicitly, for collections whose
/// layouts differ (e.g. <c>../shared/data/real-composites</c>).
/// </summary>
public static class CompositePairs
{
    /// <summary>
    /// The pairs in <paramref name="folder"/>, sorted by name: an iHarmony4 layout (every composite, all splits), or
    /// a flat folder of <c>name.ext</c> + <c>name_mask.*</c> (also <c>name_composite.ext</c> + <c>name_mask.*</c>).
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="warnings">
    /// When given, receives one line per file that is left out of a flat folder (no mask beside it; a mask-named file
    /// no composite uses), and layout composites that cannot be resolved are returned with a <see cref="CompositePair.Problem"/>
    /// so each fails alone; when null, only good pairs are returned.
    /// </param>
    public static IReadOnlyList<CompositePair> InFolder(string folder, List<string>? warnings = null)
    {
        if (!Directory.Exists(folder)) throw new HarmoniaException($"Folder '{folder}' not found.");
        if (IHarmony4Layout.IsLayout(folder))
            return IHarmony4Layout.ReadEntries(folder, split: null)
                .Select(e => e.Sample is { } s
                    ? new CompositePair($"{s.Subset}/{s.Name}", s.CompositePath, s.MaskPath, RealPath: s.RealPath)
                    : new CompositePair($"{e.Subset}/{Path.GetFileNameWithoutExtension(e.CompositePath)}", e.CompositePath, "", e.Problem))
                .Where(p => p.Problem is null || warnings is not null)
                .ToList();
        var files = Directory.GetFiles(folder)
            .Where(f => ImageCodec.ReadableExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .ToList();
        var byStem = files.GroupBy(f => Path.GetFileNameWithoutExtension(f)).ToDictionary(g => g.Key, g => g.First());
        var pairs = new List<CompositePair>();
        var usedMasks = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (stem, path) in byStem.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (stem.EndsWith("_mask", StringComparison.Ordinal)) continue;
            var name = stem.EndsWith("_composite", StringComparison.Ordinal) ? stem[..^"_composite".Length] : stem;
            if (byStem.TryGetValue(stem + "_mask", out var mask) || byStem.TryGetValue(name + "_mask", out mask))
            {
                pairs.Add(new CompositePair(name, path, mask, RealPath: byStem.GetValueOrDefault(name + "_real")));
                usedMasks.Add(mask);
            }
            else if (IsGroundTruthOfAPair(stem, byStem))
            {
                // name_real.* beside name(_composite).* + name_mask.*: the pair's ground truth, not a composite.
            }
            else
            {
                warnings?.Add($"{path}: no mask '{name}_mask.*' beside it; skipped");
            }
        }
        // A file named like a mask that no composite uses may be a composite whose name ends in _mask: say so.
        foreach (var (stem, path) in byStem.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (stem.EndsWith("_mask", StringComparison.Ordinal) && !usedMasks.Contains(path))
                warnings?.Add($"{path}: its name ends in _mask, so it is taken for a mask, but no composite uses it; skipped (rename it to harmonize it)");
        return pairs;
    }

    static bool IsGroundTruthOfAPair(string stem, Dictionary<string, string> byStem)
    {
        if (!stem.EndsWith("_real", StringComparison.Ordinal)) return false;
        var name = stem[..^"_real".Length];
        return byStem.ContainsKey(name + "_mask") && (byStem.ContainsKey(name) || byStem.ContainsKey(name + "_composite"));
    }

    /// <summary>
    /// Reads a list file: one pair per line, <c>COMPOSITE MASK [REAL]</c> separated by a tab or spaces (paths without
    /// spaces, or tab-separated when they have some; REAL, the ground truth, is optional); blank lines and lines
    /// starting with <c>#</c> are skipped.
    /// Relative paths are taken from <paramref name="root"/> (default: the list file's folder). Every file must exist.
    /// </summary>
    /// <param name="listFile">The list.</param>
    /// <param name="root">Folder the relative paths start from, or null for the list file's folder.</param>
    /// <param name="maxPairs">More pairs than this is an error (bounds what a caller holds per pair).</param>
    public static IReadOnlyList<CompositePair> FromList(string listFile, string? root = null, int maxPairs = 10_000)
    {
        if (!File.Exists(listFile)) throw new HarmoniaException($"List file '{listFile}' not found.");
        var baseDir = root ?? Path.GetDirectoryName(Path.GetFullPath(listFile))!;
        if (!Directory.Exists(baseDir)) throw new HarmoniaException($"Root folder '{baseDir}' not found.");
        var pairs = new List<CompositePair>();
        int lineNumber = 0;
        foreach (var raw in File.ReadLines(listFile))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Contains('\t')
                ? line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length is not (2 or 3))
                throw new HarmoniaException($"List file '{listFile}' line {lineNumber}: expected 'COMPOSITE MASK [REAL]', got {parts.Length} field(s).");
            if (pairs.Count == maxPairs)
                throw new HarmoniaException($"List file '{listFile}' names more than {maxPairs} pairs.");
            var files = parts.Select(part => Path.Combine(baseDir, part)).ToArray();
            foreach (var f in files)
                if (!File.Exists(f)) throw new HarmoniaException($"List file '{listFile}' line {lineNumber}: '{f}' not found.");
            pairs.Add(new CompositePair(parts[0], files[0], files[1], RealPath: files.Length == 3 ? files[2] : null));
        }
        return pairs;
    }
}
