using Harmonia.Core.Metrics;

namespace Harmonia.Evaluation.Anchors;

/// <summary>One system's means over the matched samples, in the columns peers' CSVs have.</summary>
/// <param name="System">System name: "composite" or the method for Harmonia's rows; the CSV's system for peers.</param>
/// <param name="Source">"harmonia" (scored by this run) or "anchors" (read from the peer's CSV).</param>
/// <param name="Count">Number of samples averaged (the matched samples).</param>
public sealed record PeerComparisonRow(string System, string Source, int Count, double Mse, double Psnr, double Fmse, double Ssim);

/// <summary>
/// Harmonia's rows and the peers' rows on exactly the same images: the samples of an evaluation that every peer
/// CSV covers (matched by composite name, with the image size checked). Means of per-image values.
/// </summary>
/// <param name="Folder">The anchors folder.</param>
/// <param name="Protocol">The protocol of Harmonia's rows (must be the peers' protocol to compare).</param>
/// <param name="Matched">Number of samples every peer CSV has a row for.</param>
/// <param name="Samples">Number of samples in the evaluation.</param>
/// <param name="MatchedNames">The matched samples as Subset/Name, dataset order.</param>
/// <param name="Rows">Harmonia's composite row, its method row (when a method ran), then one row per peer system.</param>
/// <param name="CompositeFmseMaxRelativeDifference">
/// Max over matched samples of |fMSE_harmonia − fMSE_csv| / fMSE_csv for the composite (the input scored by both):
/// a check that the protocols agree; null when no CSV is named "composite".
/// </param>
/// <param name="SizeMismatches">Samples left out because a CSV gives another image size (Subset/Name).</param>
public sealed record PeerComparison(
    string Folder, string Protocol, int Matched, int Samples, IReadOnlyList<string> MatchedNames,
    IReadOnlyList<PeerComparisonRow> Rows, double? CompositeFmseMaxRelativeDifference, IReadOnlyList<string> SizeMismatches)
{
    /// <summary>Source label of rows scored by this run.</summary>
    public const string HarmoniaSource = "harmonia";

    /// <summary>Source label of rows read from peer CSVs.</summary>
    public const string AnchorSource = "anchors";

    /// <summary>
    /// Matches <paramref name="report"/>'s samples to <paramref name="peers"/> and averages every system over the
    /// samples all peers cover.
    /// </summary>
    public static PeerComparison Build(EvaluationReport report, IReadOnlyList<PeerResults> peers, string folder)
    {
        var matched = new List<SampleEvaluation>();
        var mismatches = new List<string>();
        foreach (var s in report.Samples)
        {
            if (!peers.All(p => p.Rows.ContainsKey(s.Name))) continue;
            if (peers.Any(p => p.Rows[s.Name].Width != s.Width || p.Rows[s.Name].Height != s.Height))
            {
                mismatches.Add($"{s.Subset}/{s.Name}");
                continue;
            }
            matched.Add(s);
        }
        var rows = new List<PeerComparisonRow> { Mean("composite", HarmoniaSource, matched.Select(s => s.Composite)) };
        if (report.Method is { } method)
            rows.Add(Mean(method, HarmoniaSource, matched.Select(s => s.Method!)));
        foreach (var peer in peers)
            rows.Add(Mean(peer.System, AnchorSource, matched.Select(s => peer.Rows[s.Name]).Select(r => new ImageScores(r.Mse, r.Psnr, r.Fmse, double.NaN, r.Ssim, double.NaN))));
        double? compositeCheck = null;
        if (peers.FirstOrDefault(p => string.Equals(p.System, "composite", StringComparison.OrdinalIgnoreCase)) is { } csv && matched.Count > 0)
            compositeCheck = matched.Max(s => Math.Abs(s.Composite.Fmse - csv.Rows[s.Name].Fmse) / csv.Rows[s.Name].Fmse);
        return new PeerComparison(folder, report.Protocol, matched.Count, report.Samples.Count,
            matched.Select(s => $"{s.Subset}/{s.Name}").ToList(), rows, compositeCheck, mismatches);
    }

    static PeerComparisonRow Mean(string system, string source, IEnumerable<ImageScores> scores)
    {
        var g = GroupSummary.Of(system, scores.ToList());
        return new PeerComparisonRow(system, source, g.Count, g.Mse, g.Psnr, g.Fmse, g.Ssim);
    }
}
