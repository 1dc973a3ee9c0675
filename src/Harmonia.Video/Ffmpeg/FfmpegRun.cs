using FFMpegCore;
using FFMpegCore.Exceptions;
using Harmonia.Core.Errors;

namespace Harmonia.Video.Ffmpeg;

/// <summary>Runs one ffmpeg process built with FFMpegCore and turns its failure into one user-facing line.</summary>
public static class FfmpegRun
{
    /// <summary>
    /// Runs <paramref name="processor"/> (quiet log level, stopped when <paramref name="cancellationToken"/> fires).
    /// On failure throws a <see cref="HarmoniaException"/> "<paramref name="what"/>: last ffmpeg error line".
    /// </summary>
    public static async Task RunAsync(FFMpegArgumentProcessor processor, string what, CancellationToken cancellationToken)
    {
        var lastLines = new Queue<string>();
        processor.WithLogLevel(FFMpegCore.Enums.FFMpegLogLevel.Error)
            .NotifyOnStandardError(line =>
            {
                lock (lastLines)
                {
                    if (string.IsNullOrWhiteSpace(line)) return;
                    lastLines.Enqueue(line);
                    if (lastLines.Count > 8) lastLines.Dequeue();
                }
            })
            .CancellableThrough(cancellationToken, TimeSpan.Zero);
        try
        {
            await processor.ProcessAsynchronously(throwOnError: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FFMpegException or IOException && !cancellationToken.IsCancellationRequested)
        {
            string detail;
            lock (lastLines) detail = lastLines.Count > 0 ? lastLines.Last() : FfmpegTools.LastLine(e.Message);
            throw new HarmoniaException($"{what}: {detail.Trim()}");
        }
        cancellationToken.ThrowIfCancellationRequested();
    }
}
