using Harmonia.Core.Errors;

namespace Harmonia.Video.Streams;

/// <summary>
/// How the output video is encoded. Default: H.264 (libx264) at constant quality <see cref="Crf"/>; lossless: FFV1 in
/// Matroska, where every decoded output pixel equals the RGB frame Harmonia produced (so the background is bit-identical
/// to the decoded input).
/// </summary>
/// <param name="Lossless">FFV1 in .mkv instead of H.264.</param>
/// <param name="Crf">libx264 constant rate factor, 0 (best) to 51; 18 is visually lossless for most content.</param>
/// <param name="Preset">libx264 speed preset (ultrafast … veryslow).</param>
public sealed record VideoEncoding(bool Lossless = false, int Crf = 18, string Preset = "veryfast")
{
    /// <summary>Containers the output may use (by extension).</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".mp4", ".mov", ".m4v", ".mkv" };

    static readonly string[] Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"];

    /// <summary>Checks the settings against the output path; <see cref="UsageException"/> for a wrong combination.</summary>
    public void Validate(string outputPath)
    {
        var ext = Path.GetExtension(outputPath);
        if (!Extensions.Contains(ext))
            throw new UsageException($"Output '{outputPath}': use a .mp4, .mov, .m4v or .mkv file.");
        if (Lossless && !ext.Equals(".mkv", StringComparison.OrdinalIgnoreCase))
            throw new UsageException("--lossless writes FFV1, which needs a .mkv output.");
        if (Crf is < 0 or > 51) throw new UsageException($"--crf must be between 0 and 51, got {Crf}.");
        if (!Presets.Contains(Preset)) throw new UsageException($"--preset must be one of {string.Join(", ", Presets)}; got '{Preset}'.");
    }

    /// <summary>The ffmpeg video codec arguments for a W x H output.</summary>
    public string CodecArguments(int width, int height) => Lossless
        ? "-c:v ffv1 -level 3 -g 1"
        // 4:2:0 needs even sizes; odd-sized frames keep full chroma instead.
        : $"-c:v libx264 -crf {Crf} -preset {Preset} -pix_fmt {(width % 2 == 0 && height % 2 == 0 ? "yuv420p" : "yuv444p")}";
}
