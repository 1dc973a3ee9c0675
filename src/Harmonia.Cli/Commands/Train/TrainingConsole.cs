using Harmonia.Training.Loop;
using Spectre.Console;

namespace Harmonia.Cli.Commands.Train;

/// <summary>
/// Runs a training job at the console: a progress bar on a terminal (plain lines when output is redirected), and
/// Ctrl+C turned into a cancellation the trainer answers with a checkpoint (a second Ctrl+C kills the process).
/// </summary>
internal static class TrainingConsole
{
    /// <summary>Prints <paramref name="header"/> and runs <paramref name="train"/> with a progress sink and a Ctrl+C token.</summary>
    public static T Run<T>(string name, string header, Func<ITrainingProgress, CancellationToken, T> train)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl+C kills the process
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            if (Console.IsOutputRedirected)
            {
                Console.WriteLine(header);
                return train(new LineProgress(Console.Out), cancel.Token);
            }
            AnsiConsole.WriteLine(header);
            return AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx => train(new SpectreProgress(ctx.AddTask(name, maxValue: 1)), cancel.Token));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

/// <summary>Drives a Spectre progress task; validations and messages print as lines above the bar.</summary>
sealed class SpectreProgress(ProgressTask bar) : ITrainingProgress
{
    public void Report(TrainingStatus s)
    {
        if (s.TotalSteps is { } total) bar.MaxValue = total;
        else bar.IsIndeterminate = true;
        bar.Value = s.Step;
        if (s.IsLogRow || s.Step < 3)
        {
            var loss = s.Terms.TryGetValue("loss", out var l) ? $" loss {l:0.####}" : "";
            bar.Description = Markup.Escape($"ep {s.Epoch + 1}/{s.Epochs} step {s.Step}{loss} {s.SamplesPerSecond:0.0} img/s");
        }
    }

    public void Validated(ValidationSummary r) =>
        AnsiConsole.WriteLine($"validation step {r.Step}: MSE {r.Mse:0.00} fMSE {r.ForegroundMse:0.00} PSNR {r.Psnr:0.00} dB on {r.Samples} images{(r.IsBest ? " (best)" : "")}");

    public void Message(string line) => AnsiConsole.WriteLine(line);
}
}
