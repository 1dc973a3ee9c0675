using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;
using Harmonia.Video.Ffmpeg;

namespace Harmonia.Video.Streams;

/// <summary>One output frame: RGB24 bytes and when it is shown.</summary>
/// <param name="Pixels">W·H·3 interleaved RGB bytes.</param>
/// <param name="TimestampNs">Presentation time in nanoseconds.</param>
/// <param name="DurationNs">How long it is shown, in nanoseconds.</param>
/// <param name="Release">Called once the frame is written (gives pooled buffers back), or null.</param>
public sealed record OutputFrame(byte[] Pixels, long TimestampNs, long DurationNs, Action? Release = null);

/// <summary>
/// Encodes frames from a channel with ffmpeg into a file: video from a Matroska pipe (per-frame timestamps, passed
/// through unchanged), every audio stream and the global metadata copied untouched from the source file, the source's
/// time base and pixel aspect kept.
/// </summary>
public static class FrameEncoder
{
    /// <summary>
    /// Writes <paramref name="frames"/> (until the channel completes) into <paramref name="outputPath"/>, with the audio of
    /// <paramref name="source"/>. The caller owns atomicity (write to a temporary path, then rename).
    /// </summary>
    public static async Task RunAsync(VideoInfo source, VideoEncoding encoding, string outputPath, ChannelReader<OutputFrame> frames, CancellationToken cancellationToken)
    {
        var args = new List<string>
        {
            // Timestamps exactly as the source's: no shift of the whole timeline for the audio's negative start (AAC priming).
            "-map 0:v:0 -map 1:a? -c:a copy -map_metadata 1 -fps_mode passthrough -avoid_negative_ts disabled",
            encoding.CodecArguments(source.Width, source.Height),
        };
        if (source.TimeBase.IsValid) args.Add($"-enc_time_base {source.TimeBase}");
        var ext = Path.GetExtension(outputPath).ToLowerInvariant();
        if (ext is ".mp4" or ".mov" or ".m4v" && source.TimeBase is { IsValid: true, Numerator: 1 })
            args.Add($"-video_track_timescale {source.TimeBase.Denominator}");
        if (source.SampleAspectRatio.IsValid) args.Add($"-vf setsar={source.SampleAspectRatio}");
        var processor = FFMpegArguments
            .FromPipeInput(new FrameSource(source.Width, source.Height, source.NominalFrameNanoseconds, frames), _ => { })
            .AddFileInput(source.Path, true, _ => { })
            .OutputToFile(outputPath, true, o => o.WithCustomArgument(string.Join(' ', args)));
        await FfmpegRun.RunAsync(processor, $"Cannot encode '{outputPath}'", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Streams the channel's frames into ffmpeg's stdin pipe as Matroska.</summary>
    sealed class FrameSource(int width, int height, long nominalFrameDurationNs, ChannelReader<OutputFrame> frames) : IPipeSource
    {
        public string GetStreamArguments() => "-f matroska";

        public async Task WriteAsync(Stream outputStream, CancellationToken cancellationToken)
        {
            var writer = new MatroskaFrameWriter(outputStream, width, height, nominalFrameDurationNs);
            await writer.WriteHeaderAsync(cancellationToken).ConfigureAwait(false);
            await foreach (var frame in frames.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteFrameAsync(frame.Pixels, frame.TimestampNs, frame.DurationNs, cancellationToken).ConfigureAwait(false);
                frame.Release?.Invoke();
            }
        }
    }
}
