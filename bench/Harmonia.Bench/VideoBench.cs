using Harmonia.Core.Methods;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Harmonia.Models;
using Harmonia.Video.Ffmpeg;
using Harmonia.Video.Pipeline;
using Harmonia.Video.Streams;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>video</c>: end-to-end <c>harmonize-video</c> speed and flicker on a generated clip (FFmpeg lavfi testsrc2 + a
/// 440 Hz AAC tone, H.264; default 10 s of 1080p25) with a static ellipse mask over ~20 % of the frame. Rows: the
/// pipeline floor (an empty mask: decode → pipes → encode, no method), then per method smoothed and per frame.
/// Reports wall time, frames/s and real-time factor, CPU per frame of this process plus its ffmpeg children (load
/// independent: on N free cores the pipeline can reach at most N / CPU-per-frame frames/s), the analyze/render stage
/// busy times, the flicker metric, and the load average around each run (the machine may be shared).
/// </summary>
public static class VideoBench
{
    /// <summary>The subcommand.</summary>
    public static Command Create()
    {
        var seconds = new Option<int>("--seconds") { Description = "Clip length in seconds.", DefaultValueFactory = _ => 10 };
        var size = new Option<string>("--size") { Description = "Frame size WxH.", DefaultValueFactory = _ => "1920x1080" };
        var fps = new Option<int>("--fps") { Description = "Frame rate.", DefaultValueFactory = _ => 25 };
        var methods = new Option<string[]>("--methods") { Description = "Methods to run.", DefaultValueFactory = _ => ["s2crnet"], AllowMultipleArgumentsPerToken = true };
        var preset = new Option<string>("--preset") { Description = "libx264 preset of the output.", DefaultValueFactory = _ => new VideoEncoding().Preset };
        var everyFrame = new Option<bool>("--every-frame") { Description = "Also run each method smoothed with a prediction on every frame (--analysis-rate 0)." };
        var work = new Option<string>("--work") { Description = "Folder for the generated clip and outputs.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "harmonia-bench-video") };
        var command = new Command("video", "harmonize-video frames/s, CPU per frame and flicker on a generated clip (needs ffmpeg).") { seconds, size, fps, methods, preset, everyFrame, work };
        command.SetAction(parsed =>
        {
            if (!FfmpegTools.Available) { Console.Error.WriteLine($"bench: {FfmpegTools.MissingMessage}"); return 1; }
            var parts = parsed.GetValue(size)!.Split('x');
            Run(parsed.GetValue(work)!, int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
                parsed.GetValue(fps), parsed.GetValue(seconds), parsed.GetValue(methods)!, parsed.GetValue(preset)!, parsed.GetValue(everyFrame));
            return 0;
        });
        return command;
    }

    static void Run(string work, int width, int height, int fps, int seconds, string[] methods, string preset, bool everyFrame)
    {
        Directory.CreateDirectory(work);
        var clip = Path.Combine(work, $"clip-{width}x{height}-{fps}fps-{seconds}s.mp4");
        var mask = Path.Combine(work, $"ellipse-{width}x{height}.png");
        var empty = Path.Combine(work, $"empty-{width}x{height}.png");
        if (!File.Exists(clip))
            Ffmpeg($"-f lavfi -i testsrc2=size={width}x{height}:rate={fps}:duration={seconds} -f lavfi -i sine=frequency=440:sample_rate=48000:duration={seconds} " +
                   $"-c:v libx264 -preset medium -crf 20 -pix_fmt yuv420p -c:a aac -b:a 128k \"{clip}\"");
        if (!File.Exists(mask))
            Ffmpeg($"-f lavfi -i color=black:size={width}x{height} -vf \"geq=lum='if(lte(pow((X-{width * 0.625})/{width * 0.22},2)+pow((Y-{height * 0.52})/{height * 0.3},2),1),255,0)',format=gray\" -frames:v 1 \"{mask}\"");
        if (!File.Exists(empty))
            Ffmpeg($"-f lavfi -i color=black:size={width}x{height} -vf format=gray -frames:v 1 \"{empty}\"");

        AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        var table = new Table().Title($"harmonize-video on {seconds} s of {width}x{height} at {fps} fps with AAC audio (H.264 {preset} crf 18 out), {Environment.ProcessorCount} cores");
        foreach (var c in new[] { "run", "frames", "wall s", "frames/s", "x real time", "CPU ms/frame (self+ffmpeg)", "predictions", "analyze ms/frame", "render ms/frame", "flicker in", "flicker out", "load before", "load after" })
            table.AddColumn(new TableColumn(c).RightAligned());
        var registry = MethodCatalog.CreateDefault();
        const double rate = VideoHarmonizeOptions.DefaultAnalysisRate;
        var runs = new List<(string Name, string Method, string Mask, double Smoothing, double Rate)> { ("floor (empty mask)", "reinhard", empty, 0, rate) };
        foreach (var m in methods)
        {
            runs.Add(($"{m} smoothed 0.5 s, {rate:0.#} predictions/s", m, mask, 0.5, rate));
            if (everyFrame) runs.Add(($"{m} smoothed 0.5 s, every frame", m, mask, 0.5, 0));
            runs.Add(($"{m} per frame", m, mask, 0, rate));
        }
        foreach (var (name, methodName, maskPath, smoothing, analysisRate) in runs)
        {
            var method = registry.Create(methodName);
            var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            var cpuBefore = CpuSeconds();
            var output = Path.Combine(work, $"out-{string.Concat(name.Where(char.IsLetterOrDigit))}.mp4");
            var r = VideoHarmonizer.RunAsync(method, new VideoHarmonizeOptions(clip, output, maskPath, SmoothingSeconds: smoothing,
                Encoding: new VideoEncoding(Preset: preset), AnalysisRate: analysisRate)).GetAwaiter().GetResult();
            double cpu = CpuSeconds() - cpuBefore;
            (method as IDisposable)?.Dispose();
            table.AddRow(name, $"{r.Frames}", $"{r.Elapsed.TotalSeconds:F1}", $"{r.FramesPerSecond:F1}", $"{r.FramesPerSecond / fps:F2}",
                $"{cpu * 1000 / r.Frames:F0}", $"{r.Predictions}", $"{r.AnalyzeBusy.TotalMilliseconds / r.Frames:F1}", $"{r.RenderBusy.TotalMilliseconds / r.Frames:F1}",
                $"{r.Flicker.Input:F3}", $"{r.Flicker.Output:F3}", load, File.ReadAllText("/proc/loadavg").Split(' ')[0]);
        }
        AnsiConsole.Write(table);
    }

    /// <summary>User + system CPU seconds of this process and of its finished children (ffmpeg).</summary>
    static double CpuSeconds() => ProcStat.CpuSeconds() ?? throw new PlatformNotSupportedException("The video bench reads /proc/self/stat (Linux).");

    static void Ffmpeg(string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo("ffmpeg", "-v error -y " + arguments) { UseShellExecute = false })!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments} failed");
    }
}
