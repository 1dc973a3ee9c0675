using System.Threading.Channels;
using FFMpegCore;
using FFMpegCore.Pipes;
using Harmonia.Core.Errors;
using Harmonia.Video.Ffmpeg;

namespace Harmonia.Video.Streams;

/// <summary>The raw layout a video is decoded to.</summary>
public enum RawFrameFormat
{
    /// <summary>Interleaved 8-bit R, G, B (3 bytes per pixel).</summary>
    Rgb24,
    /// <summary>Interleaved 8-bit R, G, B, A (4 bytes per pixel).</summary>
    Rgba,
    /// <summary>8-bit luminance (1 byte per pixel), for mask videos.</summary>
    Gray,
}

/// <summary>
/// Decodes the first video stream of a file with ffmpeg into raw frames on a pipe, one pooled array per frame, every
/// decoded frame exactly once in display order (<c>-fps_mode passthrough</c>: no frame is duplicated or dropped).
/// </summary>
public static class FrameDecoder
{
    /// <summary>Bytes per pixel of <paramref name="format"/>.</summary>
    public static int BytesPerPixel(RawFrameFormat format) => format switch { RawFrameFormat.Rgb24 => 3, RawFrameFormat.Rgba => 4, _ => 1 };

    /// <summary>
    /// Decodes <paramref name="video"/> into <paramref name="output"/> (arrays of <c>W·H·bytesPerPixel</c> from
    /// <paramref name="pool"/>), then completes the channel. Stops when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async Task RunAsync(VideoInfo video, RawFrameFormat format, BufferPool<byte> pool, ChannelWriter<byte[]> output, CancellationToken cancellationToken)
    {
        var pixelFormat = format switch { RawFrameFormat.Rgb24 => "rgb24", RawFrameFormat.Rgba => "rgba", _ => "gray" };
        var sink = new RawFrameSink(pool, output, cancellationToken);
        try
        {
            var processor = FFMpegArguments
                .FromFileInput(video.Path, true, o => o.WithCustomArgument("-noautorotate"))
                .OutputToPipe(sink, o => o.WithCustomArgument($"-map 0:v:0 -an -sn -dn -fps_mode passthrough -f rawvideo -pix_fmt {pixelFormat}"));
            await FfmpegRun.RunAsync(processor, $"Cannot decode '{video.Path}'", cancellationToken).ConfigureAwait(false);
            if (sink.PartialFrame) throw new HarmoniaException($"'{video.Path}': the decoder ended inside a frame.");
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }

    /// <summary>
    /// Cuts ffmpeg's raw output into whole frames and hands them to the channel (back-pressure included). Reads until
    /// the end of the pipe under the pipeline's token, not FFMpegCore's: FFMpegCore cancels its token as soon as ffmpeg
    /// exits, which would drop the frames still buffered in the pipe when the consumer is slower than the decoder.
    /// </summary>
    sealed class RawFrameSink(BufferPool<byte> pool, ChannelWriter<byte[]> output, CancellationToken pipelineToken) : IPipeSink
    {
        public bool PartialFrame { get; private set; }

        public string GetStreamArguments() => "";

        public async Task ReadAsync(Stream inputStream, CancellationToken processExited)
        {
            var cancellationToken = pipelineToken;
            while (true)
            {
                var frame = pool.Rent();
                int read = await inputStream.ReadAtLeastAsync(frame, frame.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (read < frame.Length)
                {
                    PartialFrame = read > 0;
                    pool.Return(frame);
                    return;
                }
                await output.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
