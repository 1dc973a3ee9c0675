using Harmonia.Training.Reporting;

namespace Harmonia.Training.Loop;

/// <summary>
/// The run's tables and plots in its output folder: <c>log.csv</c> (loss terms per log row), <c>val.csv</c>
/// (validation), <c>loss.png</c> and <c>val.png</c>. On resume both tables are cut back to the checkpoint's step.
/// </summary>
internal sealed class RunLogs
{
    static readonly HashSet<string> AdversarialTerms = ["adv_g", "adv_d"];

    /// <summary>log.csv.</summary>
    public CsvLog Steps { get; }

    /// <summary>val.csv.</summary>
    public CsvLog Validation { get; }

    readonly string directory;

    RunLogs(string directory, long? resumeStep)
    {
        this.directory = directory;
        Steps = CsvLog.Open(Path.Combine(directory, "log.csv"), resumeStep);
        Validation = CsvLog.Open(Path.Combine(directory, "val.csv"), resumeStep);
    }

    /// <summary>Opens the tables in <paramref name="directory"/>; <paramref name="resumeStep"/> keeps rows up to that step.</summary>
    public static RunLogs Open(string directory, long? resumeStep) => new(directory, resumeStep);

    /// <summary>
    /// Redraws loss.png (generator terms left axis, adversarial right) and val.png. A plot failure is a warning,
    /// never the end of a run.
    /// </summary>
    public void Plot(IReadOnlyList<string> termOrder, Action<string> warn)
    {
        try
        {
            var terms = (termOrder.Count > 0 ? termOrder : Steps.Columns.Skip(2).TakeWhile(c => c != "lr")).ToList();
            LossPlot.Write(Path.Combine(directory, "loss.png"), Steps, terms.Where(t => !AdversarialTerms.Contains(t)), terms.Where(AdversarialTerms.Contains));
            LossPlot.Write(Path.Combine(directory, "val.png"), Validation, ["fmse", "mse"], ["psnr"], "validation MSE / fMSE", "validation PSNR (dB)");
        }
        catch (Exception e) when (e is not OperationCanceledException) { warn($"warning: could not draw loss.png ({e.Message.Split('\n')[0]})"); }
    }
}
