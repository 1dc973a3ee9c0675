using System.Globalization;
using System.Text;
using Harmonia.Core.Datasets;
using System.Text.RegularExpressions;
using Harmonia.Core.Errors;

namespace Harmonia.Evaluation.Anchors;

/// <summary>One image's scores in a peer's per-image result CSV (PCT-Net's format; its protocol's values).</summary>
/// <param name="Name">Composite stem, e.g. <c>a3630_1_5</c> (an image extension in the file is dropped).</param>
/// <param name="Mse">PCT-Net's masked MSE: mean over H·W·3 of m·d².</param>
/// <param name="Psnr">10·log10(255² / (MSE + 1e-6)).</param>
/// <param name="Fmse">Σ m·d² / (3·Σm + 1e-6).</param>
/// <param name="Ssim">SSIM of the mask blend against the real image (NaN when the cell is empty).</param>
/// <param name="Width">Native width of the image.</param>
/// <param name="Height">Native height of the image.</param>
public sealed record PeerRow(string Name, double Mse, double Psnr, double Fmse, double Ssim, int Width, int Height);

/// <summary>The rows of one peer system (one CSV file), by composite name.</summary>
/// <param name="System">The system's name: the file stem without the <c>evaluation_</c> prefix (e.g. PCTNet_ViT).</param>
/// <param name="File">The CSV path.</param>
/// <param name="Rows">The rows kept (only the names asked for), by name.</param>
public sealed record PeerResults(string System, string File, IReadOnlyDictionary<string, PeerRow> Rows)
{
    /// <summary>The columns a result CSV must have (header names, case-sensitive as PCT-Net writes them).</summary>
    public static readonly IReadOnlyList<string> RequiredColumns = ["Name", "MSE", "PSNR", "fMSE", "SSIM", "height", "width"];

    const string FilePrefix = "evaluation_";

    // PCT-Net's DCCF CSV writes SSIM as "tensor(0.9939, device='cuda:0')": the first number in the cell is the value.
    static readonly Regex FirstNumber = new(@"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", RegexOptions.CultureInvariant);

    /// <summary>
    /// Reads every <c>*.csv</c> in <paramref name="folder"/> (file name order, the <c>composite</c> system first),
    /// keeping only rows whose name is in <paramref name="names"/> so memory stays bounded by the dataset.
    /// Throws <see cref="HarmoniaException"/> for a missing folder, a folder without CSVs or a malformed file.
    /// </summary>
    public static IReadOnlyList<PeerResults> ReadFolder(string folder, IReadOnlySet<string> names)
    {
        if (!Directory.Exists(folder)) throw new HarmoniaException($"Anchors folder '{folder}' does not exist.");
        var files = Directory.GetFiles(folder, "*.csv").Order(StringComparer.OrdinalIgnoreCase).ToList();
        if (files.Count == 0) throw new HarmoniaException($"Anchors folder '{folder}' holds no per-image result CSV (*.csv).");
        return files.Select(f => Read(f, names))
            .OrderBy(r => string.Equals(r.System, "composite", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ToList();
    }

    /// <summary>Reads one result CSV, keeping the rows named in <paramref name="names"/>.</summary>
    public static PeerResults Read(string path, IReadOnlySet<string> names)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var system = stem.StartsWith(FilePrefix, StringComparison.OrdinalIgnoreCase) ? stem[FilePrefix.Length..] : stem;
        var rows = new Dictionary<string, PeerRow>(StringComparer.Ordinal);
        try
        {
            using var reader = new StreamReader(path, Encoding.UTF8);
            var header = reader.ReadLine() ?? throw new HarmoniaException($"Anchor CSV '{path}' is empty.");
            var columns = CsvLine.Split(header).Select(c => c.Trim()).ToList();
            var index = new Dictionary<string, int>();
            foreach (var required in RequiredColumns)
            {
                int i = columns.IndexOf(required);
                if (i < 0) throw new HarmoniaException($"Anchor CSV '{path}' has no '{required}' column (needs {string.Join(", ", RequiredColumns)}).");
                index[required] = i;
            }
            int lineNumber = 1;
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Length == 0) continue;
                var cells = CsvLine.Split(line);
                if (cells.Count < columns.Count)
                    throw new HarmoniaException($"Anchor CSV '{path}' line {lineNumber}: {cells.Count} cells, the header has {columns.Count}.");
                var name = StripImageExtension(cells[index["Name"]].Trim());
                if (!names.Contains(name)) continue;
                double Number(string column) => ParseNumber(cells[index[column]], path, lineNumber, column);
                rows[name] = new PeerRow(name, Number("MSE"), Number("PSNR"), Number("fMSE"), Number("SSIM"),
                    (int)Number("width"), (int)Number("height"));
            }
        }
        catch (IOException e)
        {
            throw new HarmoniaException($"Cannot read anchor CSV '{path}': {e.Message}");
        }
        return new PeerResults(system, path, rows);
    }

    static string StripImageExtension(string name)
    {
        var ext = Path.GetExtension(name).ToLowerInvariant();
        return ext is ".jpg" or ".jpeg" or ".png" ? name[..^ext.Length] : name;
    }

    static double ParseNumber(string cell, string path, int line, string column)
    {
        var text = cell.Trim();
        if (text.Length == 0) return double.NaN;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        var m = FirstNumber.Match(text);
        if (m.Success && double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out v)) return v;
        throw new HarmoniaException($"Anchor CSV '{path}' line {line}: {column} '{text}' is not a number.");
    }
}
