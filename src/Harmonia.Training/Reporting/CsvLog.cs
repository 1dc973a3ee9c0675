using System.Globalization;
using System.Text;
using Harmonia.Core.Errors;

namespace Harmonia.Training.Reporting;

/// <summary>
/// An append-only CSV table whose first column is the step (invariant culture, header written once). On resume,
/// <see cref="Open"/> drops rows past the checkpoint's step so the log continues without duplicates. Rows are
/// flushed as written, so a killed run keeps its log.
/// </summary>
public sealed class CsvLog
{
    readonly string path;

    /// <summary>Column names, "step" first.</summary>
    public IReadOnlyList<string> Columns { get; private set; }

    /// <summary>Rows so far (including the ones read back on resume), for plots.</summary>
    public List<double[]> Rows { get; } = [];

    CsvLog(string path, IReadOnlyList<string> columns)
    {
        this.path = path;
        Columns = columns;
    }

    /// <summary>
    /// Opens <paramref name="path"/>: when <paramref name="keepUpToStep"/> is given and the file exists, keeps its header and
    /// rows with step ≤ that value; otherwise starts empty (columns are fixed by the first <see cref="Append"/>).
    /// </summary>
    public static CsvLog Open(string path, long? keepUpToStep)
    {
        if (keepUpToStep is not { } keep || !File.Exists(path))
        {
            if (File.Exists(path)) File.Delete(path);
            return new CsvLog(path, []);
        }
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) return new CsvLog(path, []);
        var log = new CsvLog(path, lines[0].Split(','));
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(',');
            if (cells.Length != log.Columns.Count) continue;
            var row = cells.Select(c => double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN).ToArray();
            if (row[0] <= keep) log.Rows.Add(row);
        }
        log.Rewrite();
        return log;
    }

    /// <summary>Appends a row; the first call fixes the columns (in the given order). Later rows fill missing columns with NaN.</summary>
    public void Append(IReadOnlyList<(string Name, double Value)> values)
    {
        if (Columns.Count == 0)
        {
            Columns = values.Select(v => v.Name).ToList();
            File.WriteAllText(path, string.Join(',', Columns) + "\n");
        }
        var row = Columns.Select(c => values.FirstOrDefault(v => v.Name == c) is { Name: not null } v ? v.Value : double.NaN).ToArray();
        Rows.Add(row);
        try
        {
            File.AppendAllText(path, Format(row) + "\n");
        }
        catch (IOException e)
        {
            throw new HarmoniaException($"Cannot write '{path}': {e.Message}");
        }
    }

    /// <summary>The values of one column, with the steps.</summary>
    public (double[] Steps, double[] Values) Series(string column)
    {
        int c = Columns.ToList().IndexOf(column);
        if (c < 0) return ([], []);
        var rows = Rows.Where(r => !double.IsNaN(r[c])).ToList();
        return (rows.Select(r => r[0]).ToArray(), rows.Select(r => r[c]).ToArray());
    }

    void Rewrite()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(',', Columns)).Append('\n');
        foreach (var r in Rows) sb.Append(Format(r)).Append('\n');
        Harmonia.Core.Imaging.AtomicFile.WriteAllText(path, sb.ToString());
    }

    static string Format(double[] row) => string.Join(',', row.Select(v => v.ToString("G7", CultureInfo.InvariantCulture)));
}
