using Harmonia.Core.Metrics;

namespace Harmonia.Evaluation;

/// <summary>Options of a dataset evaluation; immutable.</summary>
/// <param name="Protocol">How the metrics are computed.</param>
/// <param name="MaskThreshold">Binary threshold of the masks (the method's statistics, the harmonia protocol, the foreground-ratio buckets).</param>
/// <param name="SaveOutputsTo">When set, the method's outputs are written to <c>&lt;folder&gt;/&lt;Subset&gt;/&lt;Name&gt;.png</c>.</param>
/// <param name="Parallelism">Samples decoded and scored at once (bounded: each 4K sample holds ~0.5 GB while scored).</param>
public sealed record EvaluationOptions(MetricProtocol Protocol, float MaskThreshold = 0.5f, string? SaveOutputsTo = null, int Parallelism = 2, float Strength = 1f);

/// <summary>The scores of one sample.</summary>
/// <param name="Subset">Subset folder, e.g. HCOCO.</param>
/// <param name="Name">Composite name without extension.</param>
/// <param name="Width">Original width.</param>
/// <param name="Height">Original height.</param>
/// <param name="ForegroundRatio">Binary foreground fraction at original size (mask threshold of the run).</param>
/// <param name="Composite">The composite itself scored against the real image (the "composite" baseline).</param>
/// <param name="Method">The method's output scored against the real image; null when no method ran.</param>
/// <param name="MethodSeconds">Wall time of the method's Harmonize call; null when no method ran.</param>
/// <param name="Warning">A note on this sample (e.g. empty mask), else null.</param>
public sealed record SampleEvaluation(
    string Subset, string Name, int Width, int Height, double ForegroundRatio,
    ImageScores Composite, ImageScores? Method, double? MethodSeconds, string? Warning);

/// <summary>
/// Means of per-sample metrics over a group of samples, aggregated by <see cref="ScoreMeans"/> (mean of per-image
/// values; non-finite values left out and counted in <see cref="NonFinite"/>).
/// </summary>
/// <param name="Group">Subset name, "all", or a foreground-ratio bucket label.</param>
/// <param name="Count">Number of samples in the group.</param>
/// <param name="NonFinite">Per metric name (MSE, PSNR, …) the number of samples left out, only when non-zero.</param>
public sealed record GroupSummary(
    string Group, int Count, double Mse, double Psnr, double Fmse, double Fpsnr, double Ssim, double Fssim,
    IReadOnlyDictionary<string, int> NonFinite)
{
    /// <summary>The means in the order of <see cref="ImageScores.MetricNames"/>.</summary>
    public double[] Values() => [Mse, Psnr, Fmse, Fpsnr, Ssim, Fssim];

    /// <summary>Summarizes <paramref name="scores"/> under the label <paramref name="group"/>.</summary>
    public static GroupSummary Of(string group, IReadOnlyList<ImageScores> scores)
    {
        var m = ScoreMeans.Of(scores);
        return new GroupSummary(group, m.Count, m.Mse, m.Psnr, m.Fmse, m.Fpsnr, m.Ssim, m.Fssim, m.NonFinite);
    }
}

/// <summary>The aggregates of one scored system (the composite baseline or the method).</summary>
/// <param name="Subsets">One row per subset, in dataset order.</param>
/// <param name="Overall">All samples.</param>
/// <param name="Buckets">One row per foreground-ratio bucket (<see cref="ForegroundBuckets"/>), empty buckets included.</param>
public sealed record SystemSummary(IReadOnlyList<GroupSummary> Subsets, GroupSummary Overall, IReadOnlyList<GroupSummary> Buckets);

/// <summary>The result of an evaluation run.</summary>
/// <param name="Protocol">Protocol name.</param>
/// <param name="Method">Method name, or null when only the composite baseline was scored.</param>
/// <param name="Samples">Per-sample scores in dataset order.</param>
/// <param name="Composite">Aggregates of the composite baseline.</param>
/// <param name="MethodSummary">Aggregates of the method, or null.</param>
/// <param name="MaskThreshold">Binary mask threshold of the run.</param>
public sealed record EvaluationReport(
    string Protocol, string? Method, float MaskThreshold,
    IReadOnlyList<SampleEvaluation> Samples, SystemSummary Composite, SystemSummary? MethodSummary)
{
    /// <summary>The dataset root, when the caller records it.</summary>
    public string? Dataset { get; init; }

    /// <summary>The split (test, train, all), when the caller records it.</summary>
    public string? Split { get; init; }

    /// <summary>How much of the method's change was applied (<c>eval --strength</c>; 1 = all).</summary>
    public float Strength { get; init; } = 1f;

    /// <summary>Peers' rows for the same images (<c>eval --anchors</c>), when asked for.</summary>
    public Anchors.PeerComparison? Anchors { get; init; }
}

/// <summary>Progress of a run: samples done out of the total, and the last one finished.</summary>
public sealed record EvaluationProgress(int Completed, int Total, string LastSample);

/// <summary>The foreground-ratio buckets of the reports: [0, 5%), [5%, 15%), [15%, 100%].</summary>
public static class ForegroundBuckets
{
    /// <summary>Bucket labels and lower bounds (a ratio belongs to the last bucket whose lower bound it reaches).</summary>
    public static readonly IReadOnlyList<(string Label, double From)> All = [("0-5%", 0.0), ("5-15%", 0.05), ("15-100%", 0.15)];

    /// <summary>The label of the bucket holding <paramref name="ratio"/>.</summary>
    public static string Of(double ratio)
    {
        var label = All[0].Label;
        foreach (var (l, from) in All)
            if (ratio >= from) label = l;
        return label;
    }
}
