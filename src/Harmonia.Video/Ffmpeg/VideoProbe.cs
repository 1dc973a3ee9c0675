using FFMpegCore;
using FFMpegCore.Exceptions;
using Harmonia.Core.Errors;

namespace Harmonia.Video.Ffmpeg;

/// <summary>Reads a video's streams and per-frame timestamps with ffprobe (through FFMpegCore).</summary>
public static class VideoProbe
{
    /// <summary>Largest frame Harmonia accepts (pixels), so a hostile header cannot make it allocate without bound.</summary>
    public const long MaxFramePixels = 8192L * 8192L;

    /// <summary>
    /// Probes <paramref name="path"/>: the first video stream's size, rates, aspect and timestamps, and the number of
    /// audio streams. User-facing <see cref="HarmoniaException"/> when the file is missing, unreadable or has no video.
    /// </summary>
    public static async Task<VideoInfo> ProbeAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path)) throw new HarmoniaException($"Video '{path}' does not exist.");
        FfmpegTools.EnsureAvailable();
        IMediaAnalysis analysis;
        FFProbePackets packets;
        try
        {
            analysis = await FFProbe.AnalyseAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
            packets = await FFProbe.GetPacketsAsync(path, customArguments: "-select_streams v:0", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (FFProbeProcessException e)
        {
            throw new HarmoniaException($"Cannot read video '{path}': {FfmpegTools.LastLine(string.Join('\n', e.StandardError))}");
        }
        catch (FFMpegException e)
        {
            throw new HarmoniaException($"Cannot read video '{path}': {FfmpegTools.LastLine(e.Message)}");
        }
        var video = analysis.PrimaryVideoStream
                    ?? throw new HarmoniaException($"'{path}' has no video stream.");
        var raw = analysis.Raw.Streams.First(s => s.Index == video.Index);
        int width = video.Width ?? 0, height = video.Height ?? 0;
        if (width <= 0 || height <= 0) throw new HarmoniaException($"'{path}': the video stream has no frame size.");
        if ((long)width * height > MaxFramePixels) throw new HarmoniaException($"'{path}': {width}x{height} frames are larger than Harmonia accepts (8192x8192).");

        var timeBase = Rational.Parse(raw.ExtensionData?.TryGetValue("time_base", out var tb) == true ? tb.GetString() : null);
        var frameRate = Rational.Parse(raw.FrameRate);
        if (!frameRate.IsValid) frameRate = Rational.Parse(raw.AvgFrameRate);
        if (!timeBase.IsValid) timeBase = frameRate.IsValid ? new Rational(frameRate.Denominator, frameRate.Numerator) : new Rational(1, 25);

        var videoPackets = packets.Packets.Where(p => p.CodecType == "video").ToList();
        var pts = videoPackets.Select(p => p.Pts).Order().ToArray();
        bool usable = pts.Length > 0 && pts.Zip(pts.Skip(1)).All(p => p.Second > p.First);
        long lastDuration;
        if (usable)
        {
            lastDuration = videoPackets.Where(p => p.Pts == pts[^1]).Select(p => (long)p.Duration).FirstOrDefault();
            if (lastDuration <= 0) lastDuration = pts.Length > 1 ? pts[^1] - pts[^2] : FrameTicks(timeBase, frameRate);
        }
        else
        {
            // No packet timestamps (e.g. a raw elementary stream): frames are evenly spaced at the base rate.
            lastDuration = FrameTicks(timeBase, frameRate);
            pts = Enumerable.Range(0, videoPackets.Count).Select(i => i * lastDuration).ToArray();
        }
        if (pts.Length == 0) throw new HarmoniaException($"'{path}': the video stream has no frames.");
        var pixelFormat = video.PixelFormat ?? "";
        return new VideoInfo(path, width, height, pixelFormat, HasAlphaChannel(pixelFormat), frameRate, timeBase,
            Rational.Parse(raw.SampleAspectRatio), analysis.Duration, analysis.AudioStreams.Count, pts, lastDuration, usable);
    }

    static long FrameTicks(Rational timeBase, Rational frameRate) =>
        frameRate.IsValid ? Math.Max(1, (long)Math.Round(timeBase.Denominator * (double)frameRate.Denominator / (timeBase.Numerator * (double)frameRate.Numerator))) : 1;

    /// <summary>Whether an FFmpeg pixel format name carries alpha (rgba, yuva420p, gbrap, ya8, pal8 with transparency aside).</summary>
    public static bool HasAlphaChannel(string pixelFormat) =>
        pixelFormat.StartsWith("yuva", StringComparison.Ordinal) || pixelFormat.StartsWith("gbrap", StringComparison.Ordinal)
        || pixelFormat.StartsWith("ya", StringComparison.Ordinal) || pixelFormat.Contains("rgba", StringComparison.Ordinal)
        || pixelFormat.Contains("bgra", StringComparison.Ordinal) || pixelFormat.Contains("argb", StringComparison.Ordinal)
        || pixelFormat.Contains("abgr", StringComparison.Ordinal);
}
