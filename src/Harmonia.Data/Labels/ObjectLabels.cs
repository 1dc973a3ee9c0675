using System.Text;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;

namespace Harmonia.Data.Labels;

/// <summary>
/// Object labels of source photos, read from a Lalonde-style <c>index.csv</c> (columns include <c>file</c> and
/// <c>object</c>; quoted fields allowed), keyed by file stem. Raw labels are free text ("carLeft", "sea water",
/// "person walking az0deg"); <see cref="Canonical"/> reduces them to one word for reference matching and
/// <see cref="ToSemanticClass"/> maps them to S²CRNet's five classes.
/// </summary>
public static class ObjectLabels
{
    static readonly HashSet<string> PersonWords = ["person", "people", "man", "woman", "human", "pedestrian", "couple", "child", "boy", "girl"];
    static readonly HashSet<string> VehicleWords = ["car", "bus", "truck", "boat", "ship", "motorbike", "motorcycle", "bicycle", "bike", "jeep", "van", "train", "plane", "airplane", "mover", "suv", "taxi"];
    static readonly HashSet<string> AnimalWords = ["dog", "cat", "cow", "bird", "horse", "sheep", "seal", "goat", "wildcat", "tiger", "leopard", "lizard", "crocodile", "animal", "deer", "bear", "elephant", "zebra", "giraffe"];
    static readonly HashSet<string> FoodWords = ["food", "fruit", "mandarin", "orange", "apple", "banana", "cake", "pizza", "sandwich", "bread"];

    /// <summary>Reads <paramref name="csvPath"/> into file stem → raw object label.</summary>
    public static IReadOnlyDictionary<string, string> ReadCsv(string csvPath)
    {
        if (!File.Exists(csvPath)) throw new HarmoniaException($"Labels file '{csvPath}' not found.");
        using var reader = new StreamReader(csvPath);
        var header = ParseCsvLine(reader.ReadLine() ?? "");
        int fileCol = header.FindIndex(h => h.Trim().Equals("file", StringComparison.OrdinalIgnoreCase));
        int objCol = header.FindIndex(h => h.Trim().Equals("object", StringComparison.OrdinalIgnoreCase));
        if (fileCol < 0 || objCol < 0)
            throw new HarmoniaException($"Labels file '{csvPath}' needs 'file' and 'object' columns.");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            var cells = ParseCsvLine(line);
            if (cells.Count <= Math.Max(fileCol, objCol)) continue;
            map[Path.GetFileNameWithoutExtension(cells[fileCol].Trim())] = cells[objCol].Trim();
        }
        return map;
    }

    /// <summary>Splits one CSV line (RFC 4180 quoting, no embedded newlines); see <see cref="CsvLine.Split"/>.</summary>
    public static List<string> ParseCsvLine(string line) => CsvLine.Split(line);

    /// <summary>Lower-case words of a label, camelCase split ("carLeft" → car, left).</summary>
    public static IEnumerable<string> Words(string label)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(label[i - 1])) sb.Append(' ');
            sb.Append(char.IsLetter(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    static string Singular(string w) =>
        w.EndsWith("ies", StringComparison.Ordinal) ? w[..^3] + "y"
        : w.Length > 3 && w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) ? w[..^1] : w;

    /// <summary>The first word of the label, singular ("trees top" → tree, "carLeft" → car); "" when empty.</summary>
    public static string Canonical(string label) => Words(label).Select(Singular).FirstOrDefault() ?? "";

    /// <summary>Maps a raw label to person/vehicle/animal/food/other by its words.</summary>
    public static SemanticClass ToSemanticClass(string label)
    {
        var words = Words(label).Select(Singular).ToList();
        if (words.Any(PersonWords.Contains)) return SemanticClass.Person;
        if (words.Any(VehicleWords.Contains)) return SemanticClass.Vehicle;
        if (words.Any(AnimalWords.Contains)) return SemanticClass.Animal;
        if (words.Any(FoodWords.Contains)) return SemanticClass.Food;
        return SemanticClass.Other;
    }
}
