using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Harmonia.Video.Ffmpeg;

namespace Harmonia.Tests.Video;

/// <summary>Builds tiny test videos with FFmpeg's lavfi sources and reads them back with ffprobe/ffmpeg.</summary>
public static class VideoTools
{
    /// <summary>Skips the calling [SkippableFact] when ffmpeg/ffprobe are missing (CI installs them, so there they run).</summary>
    public static void RequireFfmpeg() =>
        Skip.IfNot(FfmpegTools.Available, "ffmpeg/ffprobe are not installed (apt-get install ffmpeg); video test skipped.");

    /// <summary>Runs a program to completion; returns stdout bytes, throws with stderr on failure.</summary>
    public static byte[] Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var buffer = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(buffer);
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"{program} timed out"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {stderr.Result}");
        return buffer.ToArray();
    }

    /// <summary>Runs ffmpeg quietly with <paramref name="args"/> (overwrites outputs).</summary>
    public static void Ffmpeg(params string[] args) => Run("ffmpeg", ["-v", "error", "-y", .. args]);

    /// <summary>ffprobe's JSON of the streams (with counted frames) and format of <paramref name="path"/>.</summary>
    public static JsonElement Probe(string path) =>
        JsonDocument.Parse(Run("ffprobe", "-v", "error", "-count_frames", "-show_streams", "-show_format", "-of", "json", path)).RootElement;

    /// <summary>The sorted presentation timestamps of the first video stream's packets, in its time base, and that time base.</summary>
    public static (long[] Pts, string TimeBase) VideoTimestamps(string path)
    {
        var text = System.Text.Encoding.UTF8.GetString(Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts", "-of", "csv=p=0", path));
        var pts = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l.Trim().TrimEnd(','), CultureInfo.InvariantCulture)).Order().ToArray();
        var tb = System.Text.Encoding.UTF8.GetString(Run("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=time_base", "-of", "csv=p=0", path)).Trim();
        return (pts, tb);
    }

    /// <summary>Every frame of the first video stream as raw bytes of <paramref name="pixelFormat"/> (rgb24, gray), concatenated.</summary>
    public static byte[] DecodeFrames(string path, string pixelFormat = "rgb24") =>
        Run("ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pixelFormat, "-");

    /// <summary>The decoded samples of audio stream <paramref name="index"/> as 32-bit float PCM, native layout.</summary>
    public static byte[] DecodeAudio(string path, int index) =>
        Run("ffmpeg", "-v", "error", "-i", path, "-map", $"0:a:{index}", "-f", "f32le", "-");

    /// <summary>A string property of a probed element ("" when absent).</summary>
    public static string Text(this JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.ToString() : "";

    /// <summary>The probed streams of one type, in file order.</summary>
    public static List<JsonElement> Streams(this JsonElement probe, string type) =>
        probe.GetProperty("streams").EnumerateArray().Where(s => s.Text("codec_type") == type).ToList();

    /// <summary>A probed duration in seconds.</summary>
    public static double Seconds(this JsonElement e, string name = "duration") => double.Parse(e.Text(name), CultureInfo.InvariantCulture);

    /// <summary>A W x H gray PNG mask: white inside the rectangle, black elsewhere.</summary>
    public static void RectangleMask(string path, int w, int h, int x, int y, int rw, int rh) =>
        Ffmpeg("-f", "lavfi", "-i", $"color=black:size={w}x{h}", "-vf", $"drawbox=x={x}:y={y}:w={rw}:h={rh}:color=white:t=fill,format=gray", "-frames:v", "1", path);
}
