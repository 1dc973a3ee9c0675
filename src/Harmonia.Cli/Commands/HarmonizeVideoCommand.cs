using System.CommandLine;
using Harmonia.Cli.Infrastructure;
using Harmonia.Core.Errors;
using Harmonia.Video.Pipeline;
using Harmonia.Video.Streams;
using Harmonia.Video.Temporal;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary>
/// <c>harmonia harmonize-video INPUT -o OUT --mask MASK</c> (composite video + mask image or mask video), or
/// <c>harmonia harmonize-video BACKGROUND --foreground FG -o OUT</c> (the command composites FG over BACKGROUND with
/// FG's alpha or --mask). Needs Debian's ffmpeg.
/// </summary>
public static class HarmonizeVideoCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "Composite video, or the background video when --foreground is given. Its frame timing, audio, size and pixel aspect are kept." };
        var output = new Option<string>("--output", "-o") { Description = "Output video: .mp4, .mov, .m4v or .mkv (written atomically).", Required = true };
        var mask = new Option<string?>("--mask") { Description = "Foreground mask: an image (same mask for every frame) or a mask video with one mask per frame (white = foreground)." };
        var foreground = new Option<string?>("--foreground") { Description = "Foreground video composited over INPUT frame by frame, with its own alpha channel or --mask." };
        var strength = new Option<float>("--strength") { Description = "How much of the method's change to apply, 0 (none) to 1 (all).", DefaultValueFactory = _ => 1f };
        var smoothing = new Option<double>("--smoothing") { Description = "Time constant in seconds of the moving average of the per-frame parameters (curves, colour fields); a scene cut resets it.", DefaultValueFactory = _ => VideoHarmonizeOptions.DefaultSmoothingSeconds };
        var perFrame = new Option<bool>("--per-frame") { Description = "No temporal smoothing: every frame uses its own prediction (same as --smoothing 0)." };
        var analysisRate = new Option<double>("--analysis-rate") { Description = "While smoothing, predict the parameters at most this many times per second (frames in between fold the latest prediction into the average again; a scene cut predicts at once); 0 = every frame.", DefaultValueFactory = _ => VideoHarmonizeOptions.DefaultAnalysisRate };
        var sceneCut = new Option<double>("--scene-cut") { Description = "Background colour-histogram distance (0-1) between consecutive frames that counts as a scene cut.", DefaultValueFactory = _ => SceneCutDetector.DefaultThreshold };
        var lossless = new Option<bool>("--lossless") { Description = "FFV1 in .mkv: every pixel is kept exactly (the background is bit-identical to the decoded input)." };
        var crf = new Option<int>("--crf") { Description = "H.264 quality, 0 (best) to 51; 18 is visually lossless for most content.", DefaultValueFactory = _ => 18 };
        var preset = new Option<string>("--preset") { Description = "H.264 speed preset, ultrafast … veryslow.", DefaultValueFactory = _ => "veryfast" };
        var methodOptions = new MethodOptions();
        var command = new Command("harmonize-video",
            "Harmonize a composited foreground through a video. Methods that predict parameters (s2crnet: per-channel curves; phnet: " +
            "a local affine colour field) are predicted per frame, smoothed over time and rendered at full resolution; the other methods " +
            "(reinhard, statistics, mkl, histogram) run per frame without smoothing. Prints a flicker metric at the end. " +
            "Needs ffmpeg (apt-get install ffmpeg).")
        {
            input, output, mask, foreground, strength, smoothing, perFrame, analysisRate, sceneCut, lossless, crf, preset,
        };
        methodOptions.AddTo(command);
        command.SetAction(parsed =>
        {
            var options = new VideoHarmonizeOptions(
                parsed.GetValue(input)!, parsed.GetValue(output)!, parsed.GetValue(mask), parsed.GetValue(foreground),
                methodOptions.GetThreshold(parsed), parsed.GetValue(strength),
                parsed.GetValue(perFrame) ? 0 : parsed.GetValue(smoothing), parsed.GetValue(sceneCut),
                new VideoEncoding(parsed.GetValue(lossless), parsed.GetValue(crf), parsed.GetValue(preset)!), parsed.GetValue(analysisRate));
            if (!(options.SmoothingSeconds >= 0)) throw new UsageException($"--smoothing must be a number of seconds ≥ 0, got {options.SmoothingSeconds}.");
            options.Encoding!.Validate(options.OutputPath);
            var method = methodOptions.CreateMethod(parsed);
            try
            {
                var result = Run(method, options);
                Print(result, options, methodOptions.MethodName(parsed));
                return 0;
            }
            finally
            {
                (method as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    static VideoHarmonizeResult Run(Harmonia.Core.Methods.IHarmonizer method, VideoHarmonizeOptions options)
    {
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;   // stop cleanly: the pipeline deletes its temporary output
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            VideoHarmonizeResult? result = null;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("harmonizing", maxValue: 1);
                    var progress = new Progress<VideoProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.TotalFrames);
                        task.Value = Math.Min(p.FramesDone, task.MaxValue);
                        task.Description = $"{p.FramesDone}/{p.TotalFrames} frames, {p.FramesDone / Math.Max(1e-9, p.Elapsed.TotalSeconds):F1} frames/s";
                    });
                    result = VideoHarmonizer.RunAsync(method, options, progress, cancel.Token).GetAwaiter().GetResult();
                    task.Value = task.MaxValue;
                });
            return result!;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    static double PerFrameMs(TimeSpan busy, int frames) => busy.TotalMilliseconds / Math.Max(1, frames);

    static void Print(VideoHarmonizeResult r, VideoHarmonizeOptions options, string methodName)
    {
        Console.WriteLine($"Wrote {r.OutputPath} ({r.Frames} frames in {r.Elapsed.TotalSeconds:F1} s, {r.FramesPerSecond:F1} frames/s end to end; " +
                          $"per frame: analyze {PerFrameMs(r.AnalyzeBusy, r.Frames):F1} ms, render {PerFrameMs(r.RenderBusy, r.Frames):F1} ms).");
        Console.WriteLine(r.Parametric
            ? r.Smoothed
                ? $"{methodName}: parameters predicted on {r.Predictions} of {r.Frames} frames and smoothed over time (time constant {options.SmoothingSeconds:0.###} s), {r.SceneCuts} scene cut(s) reset it."
                : $"{methodName}: per-frame parameters (no smoothing)."
            : $"{methodName}: not parametric, ran per frame (no temporal smoothing).");
        if (r.UnchangedFrames > 0) Console.WriteLine($"{r.UnchangedFrames} frame(s) passed through unchanged (empty mask, or a mask covering the whole frame).");
        Console.WriteLine($"Flicker (mean |frame-to-frame change| of the foreground's mean colour, 8-bit levels, {r.Flicker.Pairs} frame pairs): input {r.Flicker.Input:F3}, output {r.Flicker.Output:F3}.");
    }
}
