using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;

namespace Harmonia.Core.Pipeline;

/// <summary>Options of a file-to-file harmonization; immutable.</summary>
/// <param name="MaskThreshold">Binary threshold of the mask for statistics and metrics, in (0, 1].</param>
/// <param name="Quality">JPEG/WebP quality, 1-100.</param>
/// <param name="Strength">0 = composite unchanged, 1 = the method's full result; in between the method's map is blended toward no change (<see cref="Rendering.IForegroundMap.AtStrength"/>).</param>
public sealed record FileHarmonizeOptions(float MaskThreshold = Mask.DefaultThreshold, int Quality = 95, float Strength = 1f)
{
    /// <summary>Where the mask image holds the mask (see <see cref="Imaging.MaskChannel"/>).</summary>
    public MaskChannel MaskChannel { get; init; } = MaskChannel.Auto;

    /// <summary>Header checks applied to both inputs before decoding.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>PNG zlib level 0-9 of the output (see <see cref="EncodeOptions"/>).</summary>
    public int PngCompression { get; init; } = EncodeOptions.DefaultPngCompression;

    /// <summary>The encoder settings of the output.</summary>
    public EncodeOptions Encoding => new(Quality, PngCompression);
}

/// <summary>What happened to one file pair.</summary>
/// <param name="Warning">A message for the user when the result is valid but special (e.g. empty mask), else null.</param>
public sealed record FileHarmonizeResult(string OutputPath, int Width, int Height, double ForegroundRatio, string? Warning);

/// <summary>
/// Pixel buffers kept between the pairs of a batch: when the next composite (or mask) has the same size, it is
/// decoded into the previous one's buffer instead of a new one. Not thread-safe; one per batch.
/// </summary>
public sealed class FileHarmonizerBuffers
{
    internal byte[]? Composite;
    internal float[]? Mask;
}

/// <summary>
/// Reads a composite and a mask, checks them, harmonizes, and writes the result atomically. Inputs are never
/// written: an output (or side output) that is the same file as an input — symbolic links resolved — is refused.
/// Both headers are read and checked (pixel limit, equal sizes) before either image is decoded.
/// </summary>
public static class FileHarmonizer
{
    /// <summary>Loads and checks a composite/mask pair; user-facing errors for size mismatch.</summary>
    public static (RgbImage Composite, Mask Mask) Load(string compositePath, string maskPath, float threshold) =>
        Load(compositePath, maskPath, new FileHarmonizeOptions(threshold));

    /// <summary>
    /// Loads and checks a composite/mask pair: both headers against <see cref="FileHarmonizeOptions.Limits"/> and
    /// against each other first, then the pixels (into <paramref name="buffers"/> when given).
    /// <paramref name="headersChecked"/> runs between the two (the run will decode: a deferred method may start loading).
    /// </summary>
    public static (RgbImage Composite, Mask Mask) Load(string compositePath, string maskPath, FileHarmonizeOptions options, FileHarmonizerBuffers? buffers = null,
        Action? headersChecked = null)
    {
        using var composite = EncodedImage.Open(compositePath, options.Limits);
        using var mask = EncodedImage.Open(maskPath, options.Limits);
        if (mask.Width != composite.Width || mask.Height != composite.Height)
            throw new HarmoniaException(
                $"Mask '{maskPath}' is {mask.Width}x{mask.Height} but composite '{compositePath}' is {composite.Width}x{composite.Height}.");
        headersChecked?.Invoke();
        var image = ImageCodec.DecodeRgb(composite, buffers?.Composite);
        var alpha = ImageCodec.DecodeMask(mask, options.MaskThreshold, options.MaskChannel, buffers?.Mask);
        if (buffers is not null)
        {
            buffers.Composite = image.Pixels;
            buffers.Mask = alpha.Alpha;
        }
        return (image, alpha);
    }

    /// <summary>
    /// Harmonizes in memory into a new image with the checks every caller needs (<see cref="Harmonization"/>: an empty
    /// binary mask returns a copy of the composite with a warning; a full mask is an error); <paramref name="strength"/>
    /// in [0, 1] is applied inside the method's map.
    /// </summary>
    public static (RgbImage Result, string? Warning) Harmonize(IHarmonizer method, RgbImage composite, Mask mask, float strength = 1f)
    {
        CheckStrength(strength);
        var result = new RgbImage(composite.Width, composite.Height);
        return (result, method.HarmonizeInto(composite, mask, strength, result));
    }

    static void CheckStrength(float strength)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new UsageException($"Strength must be between 0 and 1, got {strength}.");
    }

    /// <summary>
    /// Throws a <see cref="UsageException"/> when <paramref name="outputPath"/> or a side output of
    /// <paramref name="method"/> is the same file as an input or as each other.
    /// </summary>
    public static void CheckOutputs(IHarmonizer method, string compositePath, string maskPath, string outputPath)
    {
        ImageCodec.EnsureWritableExtension(outputPath);
        string[] inputs = [compositePath, maskPath];
        if (inputs.Any(i => FileIdentity.Same(outputPath, i)))
            throw new UsageException($"Output '{outputPath}' would overwrite an input; choose another path.");
        if (Directory.Exists(outputPath)) throw new UsageException($"Output '{outputPath}' is a folder; give a file name.");
        if (method is not ISideOutputWriter side) return;
        foreach (var path in side.SideOutputPaths)
        {
            if (inputs.Any(i => FileIdentity.Same(path, i)))
                throw new UsageException($"Side output '{path}' would overwrite an input; choose another path.");
            if (FileIdentity.Same(path, outputPath))
                throw new UsageException($"Side output '{path}' is the same file as the output image; choose another path.");
        }
    }

    /// <summary>Harmonizes one file pair into <paramref name="outputPath"/>; side outputs are written after the image.</summary>
    public static FileHarmonizeResult Run(IHarmonizer method, string compositePath, string maskPath, string outputPath, FileHarmonizeOptions options,
        FileHarmonizerBuffers? buffers = null)
    {
        CheckOutputs(method, compositePath, maskPath, outputPath);
        options.Encoding.Validate();
        CheckStrength(options.Strength);
        // A deferred method (weights, TorchSharp) loads on another core while the pixels decode.
        Action? startCreating = method is DeferredHarmonizer deferred ? deferred.StartCreating : null;
        var (composite, mask) = Load(compositePath, maskPath, options, buffers, startCreating);
        // Rendered in place: the decoded composite buffer becomes the result (the file on disk is never written), so
        // the peak holds one image and the mask, not a composite and a result besides.
        var warning = method.HarmonizeInto(composite, mask, options.Strength, composite);
        var ratio = mask.ForegroundRatio();
        int width = composite.Width, height = composite.Height;
        // The mask is dead from here: collect it before the encoder's buffers (peak memory per pixel, not speed).
        mask = null!;
        if ((long)width * height >= LargeImagePixels && buffers is null) GC.Collect();
        ImageCodec.Write(composite, outputPath, options.Encoding);
        if (method is ISideOutputWriter { SideOutputPaths.Count: > 0 } side)
        {
            try
            {
                side.WriteSideOutputs();
            }
            catch
            {
                // Image and side outputs succeed together: a failed side output takes the new image with it.
                try { File.Delete(outputPath); } catch (IOException) { }
                throw;
            }
        }
        return new FileHarmonizeResult(outputPath, width, height, ratio, warning);
    }

    /// <summary>Images from this size on collect their inputs before encoding (see <see cref="Run"/>).</summary>
    const long LargeImagePixels = 4_000_000;
}
