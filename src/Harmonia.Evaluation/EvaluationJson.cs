using System.Text.Json;
using System.Text.Json.Serialization;
using Harmonia.Core.Imaging;

namespace Harmonia.Evaluation;

/// <summary>
/// Writes an <see cref="EvaluationReport"/> as indented JSON (camelCase; +∞ and NaN as the strings "Infinity" and
/// "NaN"), atomically.
/// </summary>
public static class EvaluationJson
{
    /// <summary>The serializer options of the report.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(EvaluationReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Writes the report to <paramref name="path"/> (atomically; the folder is created).</summary>
    public static void Write(EvaluationReport report, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(path, Serialize(report));
    }
}
