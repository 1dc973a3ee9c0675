using System.Globalization;

namespace Harmonia.Core.Datasets;

/// <summary>
/// The five foreground classes of S²CRNet's semantic CRM. Indices follow the iHarmony4 label files
/// (<c>semantic-labels.txt</c>: "a1796_1_2.jpg person 0"): person 0, animal 1, food 2, vehicle 3, other 4.
/// </summary>
public enum SemanticClass
{
    /// <summary>People.</summary>
    Person = 0,
    /// <summary>Animals.</summary>
    Animal = 1,
    /// <summary>Food.</summary>
    Food = 2,
    /// <summary>Cars, buses, boats, planes...</summary>
    Vehicle = 3,
    /// <summary>Everything else (the fallback when a label is unknown).</summary>
    Other = 4,
}

/// <summary>
/// Reads and writes a dataset's <c>semantic-labels.txt</c> (at the dataset root): one line per composite,
/// "composite-file-name class-name class-index". Missing file or line means <see cref="SemanticClass.Other"/>.
/// </summary>
public static class SemanticLabels
{
    /// <summary>The file name at a dataset root.</summary>
    public const string FileName = "semantic-labels.txt";

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 5;

    /// <summary>Parses a class name (person, vehicle, animal, food, other/others); throws on anything else.</summary>
    public static SemanticClass Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "person" => SemanticClass.Person,
        "animal" => SemanticClass.Animal,
        "food" => SemanticClass.Food,
        "vehicle" => SemanticClass.Vehicle,
        "other" or "others" => SemanticClass.Other,
        _ => throw new FormatException($"Unknown semantic class '{name}' (use person, vehicle, animal, food or other)."),
    };

    /// <summary>Reads <c>root/semantic-labels.txt</c> into composite-file-name → class; empty when absent.</summary>
    public static IReadOnlyDictionary<string, SemanticClass> Read(string datasetRoot)
    {
        var path = Path.Combine(datasetRoot, FileName);
        var map = new Dictionary<string, SemanticClass>(StringComparer.Ordinal);
        if (!File.Exists(path)) return map;
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2) continue;
            map[parts[0]] = parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i is >= 0 and < ClassCount
                ? (SemanticClass)i
                : Parse(parts[1]);
        }
        return map;
    }

    /// <summary>The line written for one composite.</summary>
    public static string FormatLine(string compositeFileName, SemanticClass cls) =>
        $"{compositeFileName} {cls.ToString().ToLowerInvariant()} {(int)cls}";
}
