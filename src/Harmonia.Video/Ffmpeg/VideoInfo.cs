namespace Harmonia.Video.Ffmpeg;

/// <summary>
/// What Harmonia needs to know about a video file before decoding it; from <see cref="VideoProbe"/>. Immutable.
/// </summary>
/// <param name="Path">The file.</param>
/// <param name="Width">Frame width in pixels (of the first video stream).</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="PixelFormat">FFmpeg pixel format name of the coded frames, e.g. <c>yuv420p</c>.</param>
/// <param name="HasAlpha">Whether the pixel format carries an alpha channel (a foreground video's own mask).</param>
/// <param name="FrameRate">The stream's base frame rate (<c>r_frame_rate</c>).</param>
/// <param name="TimeBase">The stream's time base: <see cref="FrameTimestamps"/> are in these units.</param>
/// <param name="SampleAspectRatio">Pixel aspect (<c>sample_aspect_ratio</c>), invalid when the file does not say.</param>
/// <param name="Duration">The container's duration.</param>
/// <param name="AudioStreamCount">Number of audio streams (all are copied to the output).</param>
/// <param name="FrameTimestamps">Presentation timestamp of every frame in display order, in <see cref="TimeBase"/> units (the packet timestamps sorted; evenly spaced at <see cref="FrameRate"/> when the file has none).</param>
/// <param name="LastFrameDuration">Duration of the last frame in <see cref="TimeBase"/> units.</param>
/// <param name="TimestampsFromPackets">False when the file had no usable packet timestamps and a constant rate was assumed.</param>
public sealed record VideoInfo(
    string Path,
    int Width,
    int Height,
    string PixelFormat,
    bool HasAlpha,
    Rational FrameRate,
    Rational TimeBase,
    Rational SampleAspectRatio,
    TimeSpan Duration,
    int AudioStreamCount,
    long[] FrameTimestamps,
    long LastFrameDuration,
    bool TimestampsFromPackets)
{
    /// <summary>Number of frames (one per timestamp).</summary>
    public int FrameCount => FrameTimestamps.Length;

    /// <summary>One frame at the base rate <see cref="FrameRate"/> in nanoseconds (the last frame's duration when the rate is unknown).</summary>
    public long NominalFrameNanoseconds => FrameRate.IsValid
        ? (long)Math.Round(1e9 * FrameRate.Denominator / FrameRate.Numerator)
        : TimeBase.TicksToNanoseconds(Math.Max(1, LastFrameDuration));

    /// <summary>Timestamp of frame <paramref name="index"/> in nanoseconds; frames past the probed list continue at the last spacing.</summary>
    public long FrameNanoseconds(int index)
    {
        if (index < FrameTimestamps.Length) return TimeBase.TicksToNanoseconds(FrameTimestamps[index]);
        long last = FrameTimestamps.Length == 0 ? 0 : FrameTimestamps[^1];
        return TimeBase.TicksToNanoseconds(last + (index - FrameTimestamps.Length + 1) * Math.Max(1, LastFrameDuration));
    }
}
