using System.Text;

namespace Harmonia.Core.Datasets;

/// <summary>Splits CSV lines (dataset annotations, per-image result files).</summary>
public static class CsvLine
{
    /// <summary>
    /// Splits one CSV line on commas outside double quotes (RFC 4180 quoting, no embedded newlines): quotes are
    /// removed and <c>""</c> inside quotes is a quote. Cells are not trimmed.
    /// </summary>
    public static List<string> Split(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return cells;
    }
}
