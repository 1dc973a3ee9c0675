using System.Diagnostics;
using System.Threading.Channels;
using Harmonia.Core.Curves;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Pipeline;
using Harmonia.Core.Rendering;
using Harmonia.Video.Ffmpeg;
using Harmonia.Video.Streams;
using Harmonia.Video.Temporal;

namespace Harmonia.Video.Pipeline;

/// <summary>
/// Harmonizes a video as a bounded pipeline of concurrent stages joined by channels:
/// decode (ffmpeg → raw RGB, one process per input video) → analyze (composite, mask, scene cut, parameter prediction
/// and temporal smoothing, in frame order) → render (full-resolution rendering, flicker measurement) → encode (Matroska
/// pipe → ffmpeg, audio copied from the input). At most <see cref="VideoHarmonizeOptions.QueueCapacity"/> frames wait
/// between two stages, so memory is flat in the video's length. The output is written to a temporary file beside it
/// and renamed only after ffmpeg succeeded: a failure or cancellation leaves no output.
/// </summary>
public static class VideoHarmonizer
{
    /// <summary>
    /// Parametric methods predict from frames box-reduced by the largest integer factor that keeps at least this many
    /// pixels on the short side (1080p → 960x540, 4K → 960x540, 720p unchanged); the parameters render at full size.
    /// </summary>
    public const int AnalysisShortSide = 512;

    /// <summary>One frame on its way from the analyze stage to the render stage.</summary>
    sealed record FrameWork(int Index, long TimestampNs, long DurationNs, RgbImage Composite, Mask Mask,
        (int X, int Y, int Width, int Height)? Bounds, Action ReleaseInputs,
        bool Unchanged, bool NewShot, IHarmonizationParameters? Parameters, RgbImage? Result);

    /// <summary>
    /// Runs <paramref name="method"/> over the video described by <paramref name="options"/>. Parametric methods
    /// (<see cref="IParametricHarmonizer"/>) are predicted per frame, smoothed over time and rendered; other methods
    /// run per frame. User-facing <see cref="HarmoniaException"/>s for bad input; <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> fires (the partial output is deleted either way).
    /// </summary>
    public static async Task<VideoHarmonizeResult> RunAsync(IHarmonizer method, VideoHarmonizeOptions options,
        IProgress<VideoProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var encoding = options.Encoding ?? new VideoEncoding();
        FfmpegTools.EnsureAvailable();
        Validate(options, encoding);

        var input = await VideoProbe.ProbeAsync(options.InputPath, cancellationToken).ConfigureAwait(false);
        var foreground = options.ForegroundPath is null ? null : await VideoProbe.ProbeAsync(options.ForegroundPath, cancellationToken).ConfigureAwait(false);
        bool maskIsImage = options.MaskPath is not null && ImageCodec.ReadableExtensions.Contains(Path.GetExtension(options.MaskPath).ToLowerInvariant());
        var maskVideo = options.MaskPath is null || maskIsImage ? null : await VideoProbe.ProbeAsync(options.MaskPath, cancellationToken).ConfigureAwait(false);
        Mask? staticMask = maskIsImage ? ImageCodec.ReadMask(options.MaskPath!, options.MaskThreshold) : null;
        CheckCompanions(input, foreground, maskVideo, staticMask, options);

        var parametric = method as IParametricHarmonizer;
        bool smoothing = parametric is not null && options.SmoothingSeconds > 0;
        var stages = new Stages(input, options, method, parametric, smoothing, staticMask, progress, watch);

        var outFull = Path.GetFullPath(options.OutputPath);
        var temp = Path.Combine(Path.GetDirectoryName(outFull)!, $".{Path.GetFileNameWithoutExtension(outFull)}.{Guid.NewGuid():N}.partial{Path.GetExtension(outFull)}");
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = linked.Token;
        try
        {
            int frameLength = checked(input.Width * input.Height * 3);
            int cap = Math.Max(1, options.QueueCapacity);
            var inputFrames = Bounded<byte[]>(cap);
            var foregroundFrames = foreground is null ? null : Bounded<byte[]>(cap);
            var maskFrames = maskVideo is null ? null : Bounded<byte[]>(cap);
            var work = Bounded<FrameWork>(cap);
            var encoded = Bounded<OutputFrame>(cap);
            var foregroundFormat = maskVideo is null && staticMask is null ? RawFrameFormat.Rgba : RawFrameFormat.Rgb24;

            var tasks = new List<Task>
            {
                Guard(FrameDecoder.RunAsync(input, RawFrameFormat.Rgb24, stages.RgbPool, inputFrames.Writer, token), linked),
                Guard(Task.Run(() => stages.AnalyzeAsync(inputFrames.Reader, foregroundFrames?.Reader, maskFrames?.Reader, foregroundFormat, work.Writer, token), token), linked),
                Guard(Task.Run(() => stages.RenderAsync(work.Reader, encoded.Writer, token), token), linked),
                Guard(FrameEncoder.RunAsync(input, encoding, temp, encoded.Reader, token), linked),
            };
            if (foreground is not null)
                tasks.Add(Guard(FrameDecoder.RunAsync(foreground, foregroundFormat, foregroundFormat == RawFrameFormat.Rgba ? stages.RgbaPool : stages.RgbPool, foregroundFrames!.Writer, token), linked));
            if (maskVideo is not null)
                tasks.Add(Guard(FrameDecoder.RunAsync(maskVideo, RawFrameFormat.Gray, stages.GrayPool, maskFrames!.Writer, token), linked));
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch
            {
                // Report the failure that started the cascade, not the cancellations it caused in the other stages.
                var first = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException())
                    .FirstOrDefault(e => e is not OperationCanceledException);
                cancellationToken.ThrowIfCancellationRequested();
                if (first is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
                throw;
            }
            if (!File.Exists(temp)) throw new HarmoniaException($"ffmpeg wrote no output for '{options.OutputPath}'.");
            File.Move(temp, outFull, overwrite: true);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { }
        }
        return new VideoHarmonizeResult(options.OutputPath, stages.FramesWritten, watch.Elapsed, smoothing, parametric is not null,
            stages.SceneCuts, stages.Predictions, stages.UnchangedFrames, stages.Flicker.Report(), stages.AnalyzeBusy, stages.RenderBusy);
    }

    static Channel<T> Bounded<T>(int capacity) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Cancels every other stage as soon as one fails, so none waits forever on a channel.</summary>
    static async Task Guard(Task task, CancellationTokenSource linked)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch
        {
            await linked.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    static void Validate(VideoHarmonizeOptions o, VideoEncoding encoding)
    {
        encoding.Validate(o.OutputPath);
        if (!(o.Strength >= 0f && o.Strength <= 1f)) throw new UsageException($"--strength must be between 0 and 1, got {o.Strength}.");
        if (!(o.MaskThreshold > 0f && o.MaskThreshold <= 1f)) throw new UsageException($"--mask-threshold must be in (0, 1], got {o.MaskThreshold}.");
        if (!(o.SmoothingSeconds >= 0) || double.IsInfinity(o.SmoothingSeconds)) throw new UsageException($"--smoothing must be a number of seconds ≥ 0, got {o.SmoothingSeconds}.");
        if (!(o.AnalysisRate >= 0) || double.IsInfinity(o.AnalysisRate)) throw new UsageException($"--analysis-rate must be a number of predictions per second ≥ 0, got {o.AnalysisRate}.");
        if (!(o.SceneCutThreshold > 0)) throw new UsageException($"--scene-cut must be above 0, got {o.SceneCutThreshold}.");
        if (o.MaskPath is null && o.ForegroundPath is null) throw new UsageException("Give a --mask (image or video), or a --foreground video with alpha.");
        var outFull = Path.GetFullPath(o.OutputPath);
        foreach (var p in new[] { o.InputPath, o.MaskPath, o.ForegroundPath })
        {
            if (p is null) continue;
            if (!File.Exists(p)) throw new HarmoniaException($"'{p}' does not exist.");
            if (Path.GetFullPath(p) == outFull) throw new UsageException($"Output '{o.OutputPath}' would overwrite an input; choose another path.");
        }
        var dir = Path.GetDirectoryName(outFull)!;
        if (!Directory.Exists(dir)) throw new HarmoniaException($"Cannot write '{o.OutputPath}': folder '{dir}' does not exist.");
    }

    static void CheckCompanions(VideoInfo input, VideoInfo? foreground, VideoInfo? maskVideo, Mask? staticMask, VideoHarmonizeOptions o)
    {
        foreach (var (video, role) in new[] { (foreground, "foreground video"), (maskVideo, "mask video") })
        {
            if (video is null) continue;
            if (video.Width != input.Width || video.Height != input.Height)
                throw new HarmoniaException($"The {role} '{video.Path}' is {video.Width}x{video.Height} but '{input.Path}' is {input.Width}x{input.Height}.");
            if (video.FrameCount != input.FrameCount)
                throw new HarmoniaException($"The {role} '{video.Path}' has {video.FrameCount} frames but '{input.Path}' has {input.FrameCount}.");
        }
        if (staticMask is not null && (staticMask.Width != input.Width || staticMask.Height != input.Height))
            throw new HarmoniaException($"Mask '{o.MaskPath}' is {staticMask.Width}x{staticMask.Height} but the video is {input.Width}x{input.Height}.");
        if (foreground is not null && o.MaskPath is null && !foreground.HasAlpha)
            throw new HarmoniaException($"The foreground video '{foreground.Path}' ({foreground.PixelFormat}) has no alpha channel: give its mask with --mask.");
    }

    /// <summary>The analyze and render stages and the state they share with the result.</summary>
    sealed class Stages(VideoInfo input, VideoHarmonizeOptions options, IHarmonizer method, IParametricHarmonizer? parametric,
        bool smoothing, Mask? staticMask, IProgress<VideoProgress>? progress, Stopwatch watch)
    {
        readonly int pixels = input.Width * input.Height;
        readonly ParameterSmoother smoother = new(options.SmoothingSeconds);
        readonly SceneCutDetector cuts = new(options.SceneCutThreshold);
        readonly BufferPool<float> alphaPool = new(input.Width * input.Height);
        // Half a millisecond of slack so that rounded timestamps do not skip a frame that is due.
        readonly int analysisFactor = Math.Max(1, Math.Min(input.Width, input.Height) / AnalysisShortSide);
        Mask? staticAnalysisMask;
        readonly long analysisIntervalNs = options.AnalysisRate > 0 ? (long)(1e9 / options.AnalysisRate) - 500_000 : 0;
        int framesWritten;

        public BufferPool<byte> RgbPool { get; } = new(input.Width * input.Height * 3);
        BufferPool<byte> RenderPool { get; } = new(input.Width * input.Height * 3);
        public BufferPool<byte> RgbaPool { get; } = new(input.Width * input.Height * 4);
        public BufferPool<byte> GrayPool { get; } = new(input.Width * input.Height);
        public FlickerMeter Flicker { get; } = new();
        public int SceneCuts { get; private set; }
        public int Predictions { get; private set; }
        public int UnchangedFrames { get; private set; }
        public int FramesWritten => Volatile.Read(ref framesWritten);
        public TimeSpan AnalyzeBusy { get; private set; }
        public TimeSpan RenderBusy { get; private set; }

        public async Task AnalyzeAsync(ChannelReader<byte[]> inputs, ChannelReader<byte[]>? foregrounds, ChannelReader<byte[]>? masks,
            RawFrameFormat foregroundFormat, ChannelWriter<FrameWork> output, CancellationToken token)
        {
            try
            {
                int index = 0;
                int? staticCount = staticMask?.ForegroundCount();
                var staticBounds = staticMask?.ForegroundBounds();
                IHarmonizationParameters? latest = null;
                long lastPredictionNs = 0;
                await foreach (var frame in inputs.ReadAllAsync(token).ConfigureAwait(false))
                {
                    var fgBytes = foregrounds is null ? null : await ReadCompanion(foregrounds, "foreground video", index, token).ConfigureAwait(false);
                    var maskBytes = masks is null ? null : await ReadCompanion(masks, "mask video", index, token).ConfigureAwait(false);
                    long busyStart = Stopwatch.GetTimestamp();
                    var (composite, mask, release) = Assemble(frame, fgBytes, maskBytes, foregroundFormat);
                    int count = staticCount ?? mask.ForegroundCount();
                    bool unchanged = count == 0 || count == pixels;
                    // The flicker meter reads only the foreground's bounding box (an empty box for an empty mask).
                    var bounds = count == 0 ? (0, 0, 0, 0) : staticMask is null ? mask.ForegroundBounds() : staticBounds;
                    bool newShot = cuts.IsCut(composite, mask);
                    if (newShot)
                    {
                        SceneCuts++;
                        smoother.Reset();
                    }
                    IHarmonizationParameters? parameters = null;
                    RgbImage? result = null;
                    if (unchanged) UnchangedFrames++;
                    else if (parametric is not null)
                    {
                        long ns = input.FrameNanoseconds(index);
                        if (latest is null || newShot || !smoothing || ns - lastPredictionNs >= analysisIntervalNs)
                        {
                            var (analysisImage, analysisMask) = AnalysisInputs(composite, mask);
                            latest = parametric.Predict(analysisImage, analysisMask);
                            lastPredictionNs = ns;
                            Predictions++;
                        }
                        // Every frame advances the average toward the latest prediction, so the output moves a little on
                        // each frame instead of stepping on the predicted ones.
                        parameters = smoothing ? smoother.Smooth(latest, ns) : latest;
                    }
                    else
                    {
                        result = FileHarmonizer.Harmonize(method, composite, mask, options.Strength).Result;
                    }
                    long start = input.FrameNanoseconds(index), next = input.FrameNanoseconds(index + 1);
                    AnalyzeBusy += Stopwatch.GetElapsedTime(busyStart);
                    await output.WriteAsync(new FrameWork(index, start, next - start, composite, mask, bounds, release, unchanged, newShot, parameters, result), token).ConfigureAwait(false);
                    index++;
                }
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                throw;
            }
        }

        /// <summary>
        /// The frame and mask a parametric method predicts from: box-reduced by <see cref="analysisFactor"/> (the methods
        /// look at 256-pixel thumbnails or working sizes, so a 1080p frame is reduced to 960x540 first, a quarter of the
        /// pixels to read); the full-size pair when the reduced mask lost every foreground pixel.
        /// </summary>
        (RgbImage Image, Mask Mask) AnalysisInputs(RgbImage composite, Mask mask)
        {
            if (analysisFactor == 1) return (composite, mask);
            var whole = (0, 0, input.Width, input.Height);
            var reducedMask = staticMask is not null
                ? staticAnalysisMask ??= Thumbnail.Reduce(staticMask, whole, analysisFactor)
                : Thumbnail.Reduce(mask, whole, analysisFactor);
            if (reducedMask.ForegroundBounds() is null) return (composite, mask);
            return (Thumbnail.Reduce(composite, whole, analysisFactor), reducedMask);
        }

        static async Task<byte[]> ReadCompanion(ChannelReader<byte[]> reader, string role, int index, CancellationToken token)
        {
            if (await reader.WaitToReadAsync(token).ConfigureAwait(false) && reader.TryRead(out var frame)) return frame;
            throw new HarmoniaException($"The {role} ended at frame {index}, before the input.");
        }

        /// <summary>The composite and mask of one frame, and how to give their pooled buffers back.</summary>
        (RgbImage Composite, Mask Mask, Action Release) Assemble(byte[] frame, byte[]? fgBytes, byte[]? maskBytes, RawFrameFormat foregroundFormat)
        {
            float[]? alpha = null;
            if (maskBytes is not null)
            {
                alpha = alphaPool.Rent();
                for (int i = 0; i < alpha.Length; i++) alpha[i] = maskBytes[i] / 255f;
                GrayPool.Return(maskBytes);
            }
            else if (fgBytes is not null && foregroundFormat == RawFrameFormat.Rgba)
            {
                alpha = alphaPool.Rent();
                for (int i = 0; i < alpha.Length; i++) alpha[i] = fgBytes[4 * i + 3] / 255f;
            }
            var mask = alpha is null ? staticMask! : new Mask(input.Width, input.Height, alpha, options.MaskThreshold);
            if (fgBytes is not null)
            {
                Composite(frame, fgBytes, FrameDecoder.BytesPerPixel(foregroundFormat), mask.Alpha);
                (foregroundFormat == RawFrameFormat.Rgba ? RgbaPool : RgbPool).Return(fgBytes);
            }
            var pooledAlpha = alpha;
            return (new RgbImage(input.Width, input.Height, frame), mask, () =>
            {
                RgbPool.Return(frame);
                if (pooledAlpha is not null) alphaPool.Return(pooledAlpha);
            });
        }

        /// <summary>background ← fg·a + background·(1 − a) in place; alpha-0 pixels keep the background's bytes.</summary>
        static void Composite(byte[] background, byte[] fg, int fgStride, float[] alpha)
        {
            Parallel.For(0, Environment.ProcessorCount, part =>
            {
                int n = alpha.Length, start = (int)((long)n * part / Environment.ProcessorCount), end = (int)((long)n * (part + 1) / Environment.ProcessorCount);
                for (int i = start; i < end; i++)
                {
                    float a = alpha[i];
                    if (a <= 0f) continue;
                    for (int k = 0; k < 3; k++)
                        background[3 * i + k] = a >= 1f ? fg[fgStride * i + k] : (byte)(fg[fgStride * i + k] * a + background[3 * i + k] * (1f - a) + 0.5f);
                }
            });
        }

        public async Task RenderAsync(ChannelReader<FrameWork> work, ChannelWriter<OutputFrame> output, CancellationToken token)
        {
            try
            {
                await foreach (var w in work.ReadAllAsync(token).ConfigureAwait(false))
                {
                    long busyStart = Stopwatch.GetTimestamp();
                    bool pooledResult = false;
                    RgbImage result;
                    if (w.Unchanged) result = w.Composite;
                    else if (w.Parameters is { } parameters)
                    {
                        // Parameters render into a pooled frame: a fresh 6 MB array per 1080p frame costs page faults and zeroing.
                        result = new RgbImage(input.Width, input.Height, RenderPool.Rent());
                        parameters.RenderInto(w.Composite, w.Mask, options.Strength, result);
                        pooledResult = true;
                    }
                    else result = w.Result!;
                    Flicker.Add(w.Composite, result, w.Mask, w.NewShot, w.Bounds);
                    bool passThrough = ReferenceEquals(result, w.Composite);
                    if (!passThrough) w.ReleaseInputs();
                    RenderBusy += Stopwatch.GetElapsedTime(busyStart);
                    await output.WriteAsync(new OutputFrame(result.Pixels, w.TimestampNs, w.DurationNs, () =>
                    {
                        if (passThrough) w.ReleaseInputs();
                        if (pooledResult) RenderPool.Return(result.Pixels);
                        int done = Interlocked.Increment(ref framesWritten);
                        progress?.Report(new VideoProgress(done, input.FrameCount, watch.Elapsed));
                    }), token).ConfigureAwait(false);
                }
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                throw;
            }
        }
    }
}
