using Harmonia.Core.Imaging;
using Harmonia.Video.Streams;
using Harmonia.Video.Temporal;

namespace Harmonia.Video.Pipeline;

/// <summary>
/// What to harmonize and how. The output keeps the timeline, audio and size of <see cref="InputPath"/>.
/// </summary>
/// <param name="InputPath">The composite video; with <see cref="ForegroundPath"/>, the background video.</param>
/// <param name="OutputPath">.mp4/.mov/.m4v/.mkv; written atomically.</param>
/// <param name="MaskPath">A mask image (same mask for every frame) or a mask video (one mask per frame, same size and frame count); white = foreground. Optional with a foreground video that has alpha.</param>
/// <param name="ForegroundPath">A foreground video composited over the input frame by frame (alpha from its own alpha channel, or <see cref="MaskPath"/>).</param>
/// <param name="MaskThreshold">Binary threshold of the mask, in (0, 1].</param>
/// <param name="Strength">0 = input unchanged, 1 = the method's full change.</param>
/// <param name="SmoothingSeconds">Time constant τ of the parameter EMA in seconds (parametric methods); 0 = per frame.</param>
/// <param name="SceneCutThreshold">Background histogram distance that resets the smoothing (see <see cref="SceneCutDetector"/>).</param>
/// <param name="AnalysisRate">While smoothing, parametric methods predict at most this many times per second (a scene cut predicts at once); the frames in between fold the latest prediction into the running average again. 0 = every frame. Without smoothing every frame is predicted.</param>
/// <param name="Encoding">Output codec settings.</param>
/// <param name="QueueCapacity">Frames buffered between two stages (memory is about 4 stages × this × one frame).</param>
public sealed record VideoHarmonizeOptions(
    string InputPath,
    string OutputPath,
    string? MaskPath = null,
    string? ForegroundPath = null,
    float MaskThreshold = Mask.DefaultThreshold,
    float Strength = 1f,
    double SmoothingSeconds = VideoHarmonizeOptions.DefaultSmoothingSeconds,
    double SceneCutThreshold = SceneCutDetector.DefaultThreshold,
    VideoEncoding? Encoding = null,
    double AnalysisRate = VideoHarmonizeOptions.DefaultAnalysisRate,
    int QueueCapacity = 3)
{
    /// <summary>Default τ: half a second damps frame-to-frame jitter (at 25 fps a frame's prediction gets weight 0.077) yet follows a lighting change within about a second.</summary>
    public const double DefaultSmoothingSeconds = 0.5;

    /// <summary>
    /// Default predictions per second while smoothing: 10 (every 3rd frame at 25 or 30 fps). The average with τ = 0.5 s
    /// changes little within 0.1 s, and the network pass is the largest cost per frame (s2crnet's ResNet-18 encoder
    /// ≈ 50–70 ms of CPU at 1080p), so predicting every frame would keep a 2-core machine from real time.
    /// </summary>
    public const double DefaultAnalysisRate = 10;
}

/// <summary>Where a long run is: frames written of the total, and the time since the start.</summary>
public readonly record struct VideoProgress(int FramesDone, int TotalFrames, TimeSpan Elapsed);

/// <summary>What a run did.</summary>
/// <param name="OutputPath">The written file.</param>
/// <param name="Frames">Frames written.</param>
/// <param name="Elapsed">Wall time from probing to the renamed output.</param>
/// <param name="Smoothed">Whether parameters were smoothed over time (a parametric method and τ &gt; 0).</param>
/// <param name="Parametric">Whether the method predicts parameters (else it ran per frame).</param>
/// <param name="SceneCuts">Scene cuts detected (smoothing resets).</param>
/// <param name="Predictions">Frames on which the parametric method predicted (the others reused the latest prediction).</param>
/// <param name="UnchangedFrames">Frames passed through unchanged because their mask was empty or covered the whole frame.</param>
/// <param name="Flicker">Foreground flicker of input and output.</param>
/// <param name="AnalyzeBusy">Wall time the analyze stage spent working (compositing, scene cuts, prediction, smoothing), waits excluded.</param>
/// <param name="RenderBusy">Wall time the render stage spent working (rendering, flicker measurement), waits excluded.</param>
public sealed record VideoHarmonizeResult(string OutputPath, int Frames, TimeSpan Elapsed, bool Smoothed, bool Parametric, int SceneCuts, int Predictions, int UnchangedFrames,
    FlickerReport Flicker, TimeSpan AnalyzeBusy, TimeSpan RenderBusy)
{
    /// <summary>End-to-end frames per second.</summary>
    public double FramesPerSecond => Frames / Math.Max(1e-9, Elapsed.TotalSeconds);
}
