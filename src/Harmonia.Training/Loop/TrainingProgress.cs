namespace Harmonia.Training.Loop;

/// <summary>A snapshot of the run after a step.</summary>
/// <param name="Step">Optimizer steps done so far (counting resumed ones).</param>
/// <param name="TotalSteps">Planned total steps, when known.</param>
/// <param name="Epoch">Current epoch (0-based).</param>
/// <param name="Epochs">Planned epochs.</param>
/// <param name="Terms">Loss terms averaged since the previous log row ("loss" is the total generator loss).</param>
/// <param name="LearningRate">Current generator learning rate.</param>
/// <param name="SamplesPerSecond">Throughput over the last log interval.</param>
/// <param name="Elapsed">Training wall time (including resumed runs).</param>
/// <param name="Eta">Estimated time left, when the total is known.</param>
/// <param name="IsLogRow">True when this snapshot is also a log.csv row (every LogEvery steps).</param>
public sealed record TrainingStatus(long Step, long? TotalSteps, int Epoch, int Epochs, IReadOnlyDictionary<string, double> Terms,
    double LearningRate, double SamplesPerSecond, TimeSpan Elapsed, TimeSpan? Eta, bool IsLogRow);

/// <summary>Validation metrics over the validation set (means over images).</summary>
/// <param name="Step">Step at which validation ran.</param>
/// <param name="Epoch">Epoch.</param>
/// <param name="Mse">Mean MSE on 0-255 values.</param>
/// <param name="ForegroundMse">Mean foreground MSE (fMSE).</param>
/// <param name="Psnr">Mean PSNR (dB, peak 255).</param>
/// <param name="Samples">Images evaluated.</param>
/// <param name="IsBest">Whether this is the best fMSE so far (best weights were written).</param>
public sealed record ValidationSummary(long Step, int Epoch, double Mse, double ForegroundMse, double Psnr, int Samples, bool IsBest);

/// <summary>Receives progress from the trainer (the CLI draws a progress bar or prints lines).</summary>
public interface ITrainingProgress
{
    /// <summary>Called after every step.</summary>
    void Report(TrainingStatus status);

    /// <summary>Called after each validation.</summary>
    void Validated(ValidationSummary result);

    /// <summary>A one-line note (resume, checkpoint, warnings).</summary>
    void Message(string line);
}

/// <summary>Plain text progress: one line per log row and per validation, for logs and non-interactive output.</summary>
public sealed class LineProgress(TextWriter writer) : ITrainingProgress
{
    /// <inheritdoc />
    public void Report(TrainingStatus s)
    {
        if (!s.IsLogRow) return;
        var total = s.TotalSteps is { } t ? $"/{t}" : "";
        var terms = string.Join(" ", s.Terms.Select(kv => $"{kv.Key}={kv.Value:0.#####}"));
        var eta = s.Eta is { } e ? $" eta {Format(e)}" : "";
        writer.WriteLine($"step {s.Step}{total} epoch {s.Epoch + 1}/{s.Epochs} {terms} lr={s.LearningRate:0.###e0} {s.SamplesPerSecond:0.0} samples/s elapsed {Format(s.Elapsed)}{eta}");
        writer.Flush();
    }

    /// <inheritdoc />
    public void Validated(ValidationSummary r)
    {
        writer.WriteLine($"validation step {r.Step}: MSE {r.Mse:0.00} fMSE {r.ForegroundMse:0.00} PSNR {r.Psnr:0.00} dB on {r.Samples} images{(r.IsBest ? " (best)" : "")}");
        writer.Flush();
    }

    /// <inheritdoc />
    public void Message(string line)
    {
        writer.WriteLine(line);
        writer.Flush();
    }

    /// <summary>h:mm:ss.</summary>
    public static string Format(TimeSpan t) => $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}";
}
