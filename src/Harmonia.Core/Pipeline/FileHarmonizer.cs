using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;

namespace Harmonia.Core.Pipeline;

/// <summary>Options of a file-to-file harmonization; immutable.</summary>
/// <param name="MaskThreshold">Binary threshold of the mask for statistics and metrics, in (0, 1].</param>
/// <param name="Quality">JPEG/WebP quality, 1-100.</param>
/// <param name="Strength">0 = composite unchanged, 1 = the method's full result; values in between blend linearly.</param>
public sealed record FileHarmonizeOptions(float MaskThreshold = Mask.DefaultThreshold, int Quality = 95, float Strength = 1f);

/// <summary>What happened to one file pair.</summary>
/// <param name="Warning">A message for the user when the result is valid but special (e.g. empty mask), else null.</param>
public sealed record FileHarmonizeResult(string OutputPath, int Width, int Height, double ForegroundRatio, string? Warning);

/// <summary>
/// Reads a composite and a mask, checks them, harmonizes, and writes the result atomically. Inputs are never
/// written: an output path equal to an input path is refused.
/// </summary>
public static class FileHarmonizer
{
    /// <summary>Loads and checks a composite/mask pair; user-facing errors for size mismatch.</summary>
    public static (RgbImage Composite, Mask Mask) Load(string compositePath, string maskPath, float threshold)
    {
        var composite = ImageCodec.Read(compositePath);
        var mask = ImageCodec.ReadMask(maskPath, threshold);
        if (mask.Width != composite.Width || mask.Height != composite.Height)
            throw new HarmoniaException(
                $"Mask '{maskPath}' is {mask.Width}x{mask.Height} but composite '{compositePath}' is {composite.Width}x{composite.Height}.");
        return (composite, mask);
    }

    /// <summary>
    /// Harmonizes in memory with the checks every caller needs: an empty binary mask returns a copy of the
    /// composite with a warning; a full mask (no background) is an error; <paramref name="strength"/> blends the
    /// result toward the composite.
    /// </summary>
    public static (RgbImage Result, string? Warning) Harmonize(IHarmonizer method, RgbImage composite, Mask mask, float strength = 1f)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new UsageException($"Strength must be between 0 and 1, got {strength}.");
        int foreground = mask.ForegroundCount();
        if (foreground == 0)
            return (composite.Clone(), "the mask has no foreground pixels; the output equals the composite");
        if (foreground == mask.Alpha.Length)
            throw new HarmoniaException("The mask covers the whole image: there is no background to harmonize the foreground to.");
        var result = method.Harmonize(composite, mask);
        if (strength < 1f) Blend.TowardComposite(composite, result, strength);
        return (result, null);
    }

    /// <summary>Harmonizes one file pair into <paramref name="outputPath"/>.</summary>
    public static FileHarmonizeResult Run(IHarmonizer method, string compositePath, string maskPath, string outputPath, FileHarmonizeOptions options)
    {
        ImageCodec.EnsureWritableExtension(outputPath);
        var outFull = Path.GetFullPath(outputPath);
        if (outFull == Path.GetFullPath(compositePath) || outFull == Path.GetFullPath(maskPath))
            throw new UsageException($"Output '{outputPath}' would overwrite an input; choose another path.");
        var (composite, mask) = Load(compositePath, maskPath, options.MaskThreshold);
        var (result, warning) = Harmonize(method, composite, mask, options.Strength);
        ImageCodec.Write(result, outputPath, options.Quality);
        return new FileHarmonizeResult(outputPath, composite.Width, composite.Height, mask.ForegroundRatio(), warning);
    }
}

/// <summary>Pixel blends used by the pipeline.</summary>
public static class Blend
{
    /// <summary>result = round(c + s·(result − c)) in place; where result equals c it stays bit-identical.</summary>
    public static void TowardComposite(RgbImage composite, RgbImage result, float strength)
    {
        var c = composite.Pixels;
        var r = result.Pixels;
        Parallel.For(0, composite.Height, y =>
        {
            int start = y * composite.Stride, end = start + composite.Stride;
            for (int i = start; i < end; i++)
                r[i] = (byte)MathF.Round(c[i] + strength * (r[i] - c[i]));
        });
    }
}
