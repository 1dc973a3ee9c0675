using Harmonia.Core.Errors;

namespace Harmonia.Video.Ffmpeg;

/// <summary>
/// Finds Debian's <c>ffmpeg</c> and <c>ffprobe</c> (FFMpegCore runs them) and turns their absence into one line
/// that names the install step.
/// </summary>
public static class FfmpegTools
{
    /// <summary>The one-line message shown when either program is missing.</summary>
    public const string MissingMessage = "video needs ffmpeg and ffprobe, which were not found on PATH: install them with 'apt-get install ffmpeg'.";

    /// <summary>True when both <c>ffmpeg</c> and <c>ffprobe</c> are executable files on PATH.</summary>
    public static bool Available => Find("ffmpeg") is not null && Find("ffprobe") is not null;

    /// <summary>Throws a <see cref="HarmoniaException"/> with <see cref="MissingMessage"/> unless both programs are on PATH.</summary>
    public static void EnsureAvailable()
    {
        if (!Available) throw new HarmoniaException(MissingMessage);
    }

    /// <summary>The full path of <paramref name="program"/> on PATH, or null.</summary>
    public static string? Find(string program)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0))
                return candidate;
        }
        return null;
    }

    /// <summary>The last non-empty line of an FFmpeg error output (the line that says what went wrong), trimmed.</summary>
    public static string LastLine(string? text)
    {
        var lines = (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "ffmpeg failed" : lines[^1];
    }
}
