using System.Security.Cryptography;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Tests.Support;
using Harmonia.Video.Ffmpeg;
using Harmonia.Video.Pipeline;
using Harmonia.Video.Streams;

namespace Harmonia.Tests.Video.Pipeline;

/// <summary>
/// End-to-end checks of video harmonization on 1-second 128x72 clips made with FFmpeg's lavfi sources: what ffprobe
/// sees (streams, frames, rates, durations, timestamps), audio samples, background bytes, flicker, cancellation, errors.
/// </summary>
public sealed class HarmonizeVideoTests : IDisposable
{
    const int W = 128, H = 72;
    readonly TempFolder tmp = new();

    public void Dispose() => tmp.Dispose();

    static IHarmonizer Method(string name) => MethodCatalog.CreateDefault().Create(name);

    static VideoHarmonizeResult Harmonize(IHarmonizer method, VideoHarmonizeOptions options, CancellationToken token = default) =>
        VideoHarmonizer.RunAsync(method, options, cancellationToken: token).GetAwaiter().GetResult();

    /// <summary>1 s of testsrc2 at 25 fps (H.264) with two audio streams (AAC 440 Hz, AAC 880 Hz 1.2 s long).</summary>
    string CompositeClip()
    {
        var path = tmp.File("composite.mp4");
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={W}x{H}:rate=25:duration=1",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=1",
            "-f", "lavfi", "-i", "sine=frequency=880:sample_rate=44100:duration=1.2",
            "-map", "0", "-map", "1", "-map", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", path);
        return path;
    }

    /// <summary>1 s, lossless: a steady foreground box (and its mask); the left half of the background alternates between two colours every frame.</summary>
    (string Clip, string Mask) FlickeringClip()
    {
        var path = tmp.File("flicker.mkv");
        var mask = tmp.File("mask.png");
        VideoTools.RectangleMask(mask, W, H, 40, 18, 49, 37);
        const string box = "between(X,40,88)*between(Y,18,54)";
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={W}x{H}:rate=25:duration=1", "-vf",
            $"format=rgb24,geq=r='if({box},150,if(lt(X,64),40+170*mod(N,2),r(X,Y)))':g='if({box},120,if(lt(X,64),60+150*mod(N,2),g(X,Y)))':b='if({box},90,if(lt(X,64),200-150*mod(N,2),b(X,Y)))'",
            "-c:v", "ffv1", path);
        return (path, mask);
    }

    /// <summary><see cref="CompositeClip"/> and a static rectangle mask over its middle.</summary>
    (string Clip, string Mask) CompositeClipWithMask()
    {
        var mask = tmp.File("mask.png");
        VideoTools.RectangleMask(mask, W, H, 40, 18, 48, 36);
        return (CompositeClip(), mask);
    }

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [SkippableFact]
    public void Ffprobe_of_input_and_output_agree_and_every_audio_stream_is_bit_identical()
    {
        VideoTools.RequireFfmpeg();
        var (input, mask) = CompositeClipWithMask();
        var output = tmp.File("out.mp4");
        var before = Hash(input);

        var r = CliProcess.Run("harmonize-video", input, "--mask", mask, "-o", output, "--method", "reinhard");

        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("Flicker", r.StdOut);
        Assert.Contains("not parametric, ran per frame", r.StdOut);
        Assert.Equal(before, Hash(input));
        var a = VideoTools.Probe(input);
        var b = VideoTools.Probe(output);
        Assert.Equal(a.GetProperty("streams").GetArrayLength(), b.GetProperty("streams").GetArrayLength());
        var (va, vb) = (a.Streams("video").Single(), b.Streams("video").Single());
        foreach (var key in new[] { "nb_read_frames", "r_frame_rate", "avg_frame_rate", "width", "height", "sample_aspect_ratio", "time_base" })
            Assert.True(va.Text(key) == vb.Text(key), $"{key}: input {va.Text(key)}, output {vb.Text(key)}");
        Assert.Equal("25", vb.Text("nb_read_frames"));
        Assert.Equal(va.Seconds(), vb.Seconds(), 3);
        Assert.Equal(a.GetProperty("format").Seconds(), b.GetProperty("format").Seconds(), 3);
        var (audioA, audioB) = (a.Streams("audio"), b.Streams("audio"));
        Assert.Equal(2, audioB.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(audioA[i].Text("codec_name"), audioB[i].Text("codec_name"));
            Assert.Equal(audioA[i].Text("sample_rate"), audioB[i].Text("sample_rate"));
            var (pcmA, pcmB) = (VideoTools.DecodeAudio(input, i), VideoTools.DecodeAudio(output, i));
            Assert.True(pcmA.Length > 40_000, $"audio stream {i} decoded to only {pcmA.Length} bytes");
            Assert.True(pcmA.AsSpan().SequenceEqual(pcmB), $"audio stream {i} samples differ");
        }
    }

    /// <summary>
    /// A raw 1080p RGB frame (6.2 MB) is larger than ffmpeg's 5 MB probe size: when the frame pipe did not state the frame
    /// rate, ffmpeg saw one frame while probing, left the encoded packets without durations, and the MP4 muxer gave the
    /// last frame a duration of 0, which its edit list then hid (9 of 10 frames decoded, 0.36 s). Ten frames reproduce it.
    /// </summary>
    [SkippableTheory]
    [InlineData(".mp4")]
    [InlineData(".mkv")]
    public void Full_hd_output_keeps_the_last_frame_and_the_duration(string extension)
    {
        VideoTools.RequireFfmpeg();
        var input = tmp.File("hd.mp4");
        VideoTools.Ffmpeg("-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25:duration=0.4",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", input);
        var mask = tmp.File("hd-mask.png");
        VideoTools.RectangleMask(mask, 1920, 1080, 800, 400, 320, 240);
        var output = tmp.File("hd-out" + extension);

        var result = Harmonize(Method("reinhard"), new VideoHarmonizeOptions(input, output, mask, Encoding: new VideoEncoding(Preset: "ultrafast")));

        Assert.Equal(10, result.Frames);
        var (a, b) = (VideoTools.Probe(input), VideoTools.Probe(output));
        var (va, vb) = (a.Streams("video").Single(), b.Streams("video").Single());
        Assert.Equal("10", vb.Text("nb_read_frames"));
        Assert.Equal(va.Text("r_frame_rate"), vb.Text("r_frame_rate"));
        Assert.Equal(0.4, b.GetProperty("format").Seconds(), 3);
        if (extension == ".mp4")
        {
            Assert.Equal(va.Text("avg_frame_rate"), vb.Text("avg_frame_rate"));
            Assert.Equal(va.Seconds(), vb.Seconds(), 3);
        }
    }

    [SkippableFact]
    public void Variable_frame_rate_timestamps_are_passed_through()
    {
        VideoTools.RequireFfmpeg();
        var input = tmp.File("vfr.mkv");
        // 25 frames: 40 ms apart, then a 240 ms gap after frame 10 (a variable-rate stream).
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={W}x{H}:rate=25:duration=1",
            "-vf", "setpts='N/25/TB+if(gt(N,10),0.2/TB,0)'", "-fps_mode", "passthrough", "-c:v", "libx264", input);
        var mask = tmp.File("mask.png");
        VideoTools.RectangleMask(mask, W, H, 30, 10, 40, 40);
        var output = tmp.File("out.mkv");

        var result = Harmonize(Method("reinhard"), new VideoHarmonizeOptions(input, output, mask, Encoding: new VideoEncoding(Lossless: true)));

        var (ptsIn, tbIn) = VideoTools.VideoTimestamps(input);
        var (ptsOut, tbOut) = VideoTools.VideoTimestamps(output);
        Assert.Equal(25, result.Frames);
        Assert.Equal(tbIn, tbOut);
        Assert.Equal(ptsIn, ptsOut);
        Assert.Equal(640, ptsOut[11] - ptsOut[0]);   // the gap survived (ms time base)
    }

    [SkippableFact]
    public void Lossless_output_keeps_every_background_pixel_with_a_mask_video()
    {
        VideoTools.RequireFfmpeg();
        var input = CompositeClip();
        var maskVideo = tmp.File("mask.mkv");
        // A box moving 2 px per frame: every frame has its own mask.
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"color=black:size={W}x{H}:rate=25:duration=1",
            "-vf", "format=gray,geq=lum='if(between(X,10+2*N,49+2*N)*between(Y,16,47),255,0)'", "-c:v", "ffv1", maskVideo);
        var output = tmp.File("out.mkv");

        var result = Harmonize(Method("reinhard"), new VideoHarmonizeOptions(input, output, maskVideo, Encoding: new VideoEncoding(Lossless: true)));

        Assert.Equal(25, result.Frames);
        var (before, after, masks) = (VideoTools.DecodeFrames(input), VideoTools.DecodeFrames(output), VideoTools.DecodeFrames(maskVideo, "gray"));
        Assert.Equal(before.Length, after.Length);
        Assert.Equal(25 * W * H, masks.Length);
        int backgroundChecked = 0, foregroundChanged = 0;
        for (int i = 0; i < masks.Length; i++)
        {
            bool same = before[3 * i] == after[3 * i] && before[3 * i + 1] == after[3 * i + 1] && before[3 * i + 2] == after[3 * i + 2];
            if (masks[i] == 0)
            {
                Assert.True(same, $"background pixel {i % (W * H)} of frame {i / (W * H)} changed");
                backgroundChecked++;
            }
            else if (masks[i] == 255 && !same) foregroundChanged++;
        }
        Assert.True(backgroundChecked > 25 * W * H / 2, $"only {backgroundChecked} background pixels");
        Assert.True(foregroundChanged > 25 * 40 * 32 / 4, $"only {foregroundChanged} foreground pixels changed");
    }

    [SkippableFact]
    public void Foreground_video_with_alpha_is_composited_over_the_background_video()
    {
        VideoTools.RequireFfmpeg();
        var background = tmp.File("bg.mp4");
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"smptehdbars=size={W}x{H}:rate=25:duration=1",
            "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000:duration=1", "-c:v", "libx264", "-c:a", "aac", background);
        var foreground = tmp.File("fg.mkv");
        VideoTools.Ffmpeg("-f", "lavfi", "-i", $"testsrc2=size={W}x{H}:rate=25:duration=1",
            "-vf", "format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(between(X,30,89)*between(Y,10,59),255,0)'", "-c:v", "png", foreground);
        var output = tmp.File("out.mkv");

        var result = Harmonize(Method("reinhard"), new VideoHarmonizeOptions(background, output, ForegroundPath: foreground, Encoding: new VideoEncoding(Lossless: true)));

        Assert.Equal(25, result.Frames);
        var (bg, fg, outFrames) = (VideoTools.DecodeFrames(background), VideoTools.DecodeFrames(foreground), VideoTools.DecodeFrames(output));
        int inside = 0, fromForeground = 0;
        for (int f = 0; f < 25; f++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                {
                    int o = ((f * H + y) * W + x) * 3;
                    bool isFg = x is >= 30 and <= 89 && y is >= 10 and <= 59;
                    if (!isFg)
                    {
                        Assert.True(bg.AsSpan(o, 3).SequenceEqual(outFrames.AsSpan(o, 3)), $"background ({x},{y}) of frame {f} changed");
                        continue;
                    }
                    inside++;
                    // Harmonized foreground: closer to the test pattern than to the bars it covers.
                    int dFg = Math.Abs(outFrames[o] - fg[o]) + Math.Abs(outFrames[o + 1] - fg[o + 1]) + Math.Abs(outFrames[o + 2] - fg[o + 2]);
                    int dBg = Math.Abs(outFrames[o] - bg[o]) + Math.Abs(outFrames[o + 1] - bg[o + 1]) + Math.Abs(outFrames[o + 2] - bg[o + 2]);
                    if (dFg < dBg) fromForeground++;
                }
        Assert.True(fromForeground > inside / 2, $"{fromForeground}/{inside} foreground pixels look like the foreground video");
        Assert.Single(VideoTools.Probe(output).Streams("audio"));
    }

    /// <summary>
    /// A composite that flickers: the left half of the background alternates between two colours every frame while the
    /// foreground stays put. Per-frame curves follow the background and make the foreground flicker; the EMA (τ = 0.5 s)
    /// must cut that flicker to a fraction. Scene cuts are disabled here because the alternation is cut-sized.
    /// </summary>
    [SkippableFact]
    public void Smoothing_reduces_the_flicker_of_a_flickering_composite()
    {
        VideoTools.RequireFfmpeg();
        Skip.IfNot(Harmonia.Models.S2CRNet.S2CRNetWeights.HasEmbedded, "s2crnet weights are not embedded; test skipped.");
        var (input, mask) = FlickeringClip();
        using var method = (IDisposable)Method("s2crnet");

        var perFrame = Harmonize((IHarmonizer)method, new VideoHarmonizeOptions(input, tmp.File("a.mkv"), mask, SmoothingSeconds: 0, SceneCutThreshold: 2, Encoding: new VideoEncoding(Lossless: true)));
        var smoothed = Harmonize((IHarmonizer)method, new VideoHarmonizeOptions(input, tmp.File("b.mkv"), mask, SmoothingSeconds: 0.5, SceneCutThreshold: 2, Encoding: new VideoEncoding(Lossless: true)));

        Assert.True(perFrame.Parametric && !perFrame.Smoothed && smoothed.Smoothed);
        Assert.Equal(24, smoothed.Flicker.Pairs);
        // Per frame predicts on all 25 frames; smoothed at the default 10 predictions/s, on frames 0, 3, …, 24.
        Assert.Equal(25, perFrame.Predictions);
        Assert.Equal(9, smoothed.Predictions);
        Assert.True(perFrame.Flicker.Input < 0.5, $"input foreground flicker {perFrame.Flicker.Input}");
        Assert.True(perFrame.Flicker.Output > 2, $"per-frame output flicker only {perFrame.Flicker.Output}: the clip does not probe smoothing");
        Assert.True(smoothed.Flicker.Output < 0.25 * perFrame.Flicker.Output,
            $"smoothed flicker {smoothed.Flicker.Output} vs per frame {perFrame.Flicker.Output}");

        // With the default detector every alternation is a cut, so the average restarts each frame: no smoothing across cuts.
        var withCuts = Harmonize((IHarmonizer)method, new VideoHarmonizeOptions(input, tmp.File("c.mkv"), mask, Encoding: new VideoEncoding(Lossless: true)));
        Assert.Equal(24, withCuts.SceneCuts);
        Assert.Equal(25, withCuts.Predictions);   // a cut predicts at once
    }

    /// <summary>
    /// The pipeline predicts from 1080p frames box-reduced to 960x540 (<see cref="VideoHarmonizer.AnalysisShortSide"/>):
    /// s2crnet looks at 256² thumbnails, so the curves must stay within a level or two of the full-size prediction.
    /// </summary>
    [SkippableFact]
    public void Curves_predicted_from_a_reduced_frame_match_the_full_size_prediction()
    {
        Skip.IfNot(Harmonia.Models.S2CRNet.S2CRNetWeights.HasEmbedded, "s2crnet weights are not embedded; test skipped.");
        var mask = TestImages.Ellipse(1920, 1080);
        var composite = TestImages.ShiftForeground(TestImages.Gradient(1920, 1080), mask, 50, -30, 20);
        int factor = Math.Min(1920, 1080) / VideoHarmonizer.AnalysisShortSide;
        var whole = (0, 0, 1920, 1080);
        using var method = (IDisposable)Method("s2crnet");
        var parametric = (IParametricHarmonizer)method;

        var full = (Harmonia.Core.Curves.CurveParameters)parametric.Predict(composite, mask);
        var reduced = (Harmonia.Core.Curves.CurveParameters)parametric.Predict(
            Harmonia.Core.Imaging.Thumbnail.Reduce(composite, whole, factor), Harmonia.Core.Imaging.Thumbnail.Reduce(mask, whole, factor));

        double difference = 0, change = 0;
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++)
            {
                difference = Math.Max(difference, Math.Abs(full[c, v] - reduced[c, v]));
                change = Math.Max(change, Math.Abs(full[c, v] - v / 255.0));
            }
        Assert.Equal(2, factor);
        Assert.True(change > 0.03, $"the curves barely change the foreground ({change:F3}): the composite does not probe the prediction");
        Assert.True(difference < 2 / 255.0, $"reduced-frame curves differ by {difference * 255:F2} levels (full-size change {change * 255:F1} levels)");
    }

    /// <summary>PHNet's transfer field is parametric too: the same flickering clip, per frame vs smoothed.</summary>
    [SkippableFact]
    public void Phnet_transfer_fields_are_smoothed_over_time()
    {
        VideoTools.RequireFfmpeg();
        Skip.IfNot(File.Exists(Path.Combine(AppContext.BaseDirectory, "models", "phnet.safetensors")), "models/phnet.safetensors is not beside the tests; test skipped.");
        var (input, mask) = FlickeringClip();
        using var method = (IDisposable)Method("phnet");

        var perFrame = Harmonize((IHarmonizer)method, new VideoHarmonizeOptions(input, tmp.File("a.mkv"), mask, SmoothingSeconds: 0, SceneCutThreshold: 2, Encoding: new VideoEncoding(Lossless: true)));
        var smoothed = Harmonize((IHarmonizer)method, new VideoHarmonizeOptions(input, tmp.File("b.mkv"), mask, SceneCutThreshold: 2, Encoding: new VideoEncoding(Lossless: true)));

        Assert.True(smoothed.Parametric && smoothed.Smoothed);
        Assert.True(perFrame.Flicker.Output > 1, $"per-frame output flicker only {perFrame.Flicker.Output}");
        Assert.True(smoothed.Flicker.Output < 0.25 * perFrame.Flicker.Output,
            $"smoothed flicker {smoothed.Flicker.Output} vs per frame {perFrame.Flicker.Output}");
    }

    [SkippableFact]
    public void Cancelling_leaves_no_output_and_no_temporary_file()
    {
        VideoTools.RequireFfmpeg();
        var (input, mask) = CompositeClipWithMask();
        var outDir = Directory.CreateDirectory(tmp.File("out")).FullName;
        var output = Path.Combine(outDir, "out.mp4");
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress(p => { if (p.FramesDone >= 3) cancel.Cancel(); });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            VideoHarmonizer.RunAsync(Method("reinhard"), new VideoHarmonizeOptions(input, output, mask), progress, cancel.Token).GetAwaiter().GetResult());

        Assert.Empty(Directory.GetFileSystemEntries(outDir));
    }

    [SkippableFact]
    public void Bad_inputs_fail_with_one_line_and_no_output()
    {
        VideoTools.RequireFfmpeg();
        var input = CompositeClip();
        var wrongMask = tmp.File("small.png");
        VideoTools.RectangleMask(wrongMask, 64, 36, 10, 10, 20, 20);
        var notVideo = tmp.File("not-a-video.mp4");
        File.WriteAllText(notVideo, "hello");
        var output = tmp.File("out.mp4");

        CliAssert.OneLine(CliProcess.Run("harmonize-video", input, "--mask", wrongMask, "-o", output, "--method", "reinhard"), 1, "is 64x36 but the video is 128x72");
        CliAssert.OneLine(CliProcess.Run("harmonize-video", notVideo, "--mask", wrongMask, "-o", output, "--method", "reinhard"), 1, "Cannot read video");
        CliAssert.OneLine(CliProcess.Run("harmonize-video", input, "--mask", wrongMask, "-o", output, "--lossless"), 2, "needs a .mkv output");
        CliAssert.OneLine(CliProcess.Run("harmonize-video", input, "-o", output, "--method", "reinhard"), 2, "--mask");
        Assert.False(File.Exists(output));
        Assert.Single(Directory.GetFiles(tmp.Path, "*.mp4"), f => f.EndsWith("composite.mp4"));
    }

    [Fact]
    public async Task Missing_ffmpeg_is_reported_in_one_line_with_the_install_step()
    {
        var emptyPath = Directory.CreateDirectory(tmp.File("empty-path")).FullName;
        var dotnet = FfmpegTools.Find("dotnet") ?? "/usr/bin/dotnet";
        var psi = new System.Diagnostics.ProcessStartInfo(dotnet) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "harmonia.dll"), "harmonize-video", "in.mp4", "--mask", "m.png", "-o", tmp.File("o.mp4") })
            psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = emptyPath;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000));
        CliAssert.OneLine(new CliResult(p.ExitCode, "", await stderr), 1, "apt-get install ffmpeg");
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the pool and race the assertion).</summary>
    sealed class SynchronousProgress(Action<VideoProgress> report) : IProgress<VideoProgress>
    {
        public void Report(VideoProgress value) => report(value);
    }
}
