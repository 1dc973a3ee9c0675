using Harmonia.Core.Imaging;

namespace Harmonia.Core.Metrics;

/// <summary>
/// Reproduces the evaluation script of the iHarmony4 repository (bcmi, DoveNet): images resized bicubic to
/// 256x256; the mask made 1-bit (PIL <c>convert('1')</c>) and resized nearest (PIL resizes mode "1" nearest whatever
/// filter is asked); MSE the mean over all pixels and channels; PSNR with skimage's semantics and
/// <c>data_range = prediction.max() − prediction.min()</c>; fMSE = MSE(p·m, r·m) · H·W / Σm.
/// Choices stated here: the 1-bit conversion is a plain threshold at 0.5 (8-bit value ≥ 128 → 1) whatever the
/// --mask-threshold; PIL's default Floyd–Steinberg dithering gives the same result on 0/255 masks and differs only
/// on anti-aliased edge pixels. fPSNR (not in the script) uses the same peak as PSNR. SSIM (not in the script) is
/// computed on the 256x256 images with L = 255 (skimage's default for 8-bit input).
/// </summary>
public sealed class Ihm4Protocol : MetricProtocol
{
    /// <summary>The protocol's name.</summary>
    public const string ProtocolName = "ihm4";

    /// <summary>The evaluation size of the iHarmony4 script.</summary>
    public const int Size = 256;

    /// <summary>Alpha at or above which a mask pixel becomes 1: 8-bit 128/255 and up.</summary>
    public const float OneBitThreshold = 0.5f;

    /// <inheritdoc />
    public override string Name => ProtocolName;

    /// <inheritdoc />
    public override string Description => "iHarmony4 script: 256x256 bicubic, 1-bit mask (nearest), PSNR peak = prediction max - min";

    /// <inheritdoc />
    protected override (RgbImage Real, byte[] Foreground) PrepareReference(RgbImage real, Mask mask)
    {
        // 1-bit first, then nearest resize (the order of the script: convert('1') then resize).
        var oneBit = new float[mask.Alpha.Length];
        for (int i = 0; i < oneBit.Length; i++) oneBit[i] = mask.Alpha[i] >= OneBitThreshold ? 1f : 0f;
        var small = Resize.Plane(oneBit, mask.Width, mask.Height, Size, Size, ResizeFilter.Nearest);
        var foreground = new byte[small.Length];
        for (int i = 0; i < small.Length; i++) foreground[i] = small[i] >= 0.5f ? (byte)1 : (byte)0;
        return (Resize.Rgb(real, Size, Size, ResizeFilter.Bicubic), foreground);
    }

    /// <inheritdoc />
    protected override RgbImage ToEvaluationResolution(RgbImage prediction, int width, int height) =>
        Resize.Rgb(prediction, width, height, ResizeFilter.Bicubic);

    /// <inheritdoc />
    protected override double PsnrPeak(RgbImage prediction, RgbImage real)
    {
        byte min = 255, max = 0;
        foreach (var v in prediction.Pixels)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return max - min;
    }

    /// <inheritdoc />
    protected override double ForegroundMse(long foregroundSse, int foregroundCount, int pixelCount)
    {
        // MSE(p·m, r·m): the mean over H·W·3 values of m·(p − r)² (m binary, so m² = m) ...
        double maskedMse = foregroundSse / (3.0 * pixelCount);
        // ... rescaled by H·W / Σm, Σm over pixels (the mask has one channel).
        return maskedMse * pixelCount / foregroundCount;
    }
}
