using Harmonia.Core.Color;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Reporting;

/// <summary>
/// Validation metrics of a batch, computed by Core's metrics (<see cref="MetricProtocols.Harmonia"/>, without SSIM)
/// so training reports the numbers <c>harmonia eval</c> gives for the same images: each prediction is clamped to
/// [0, 1] and rounded to 8 bits (<see cref="Srgb.ToByte"/>, as a harmonized image is saved), the real image and the
/// mask (binary, threshold 0.5) come from the batch. Empty masks give NaN foreground metrics, left out of
/// <see cref="ScoreMeans"/>.
/// </summary>
public static class HarmonizationMetrics
{
    /// <summary>Scores every image of a batch. prediction, real: (N, 3, H, W) in [0, 1]; mask: (N, 1, H, W) in {0, 1}.</summary>
    public static ImageScores[] Compute(Tensor prediction, Tensor real, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var p = ToInterleaved(prediction.detach());
        var r = ToInterleaved(real.detach());
        var m = mask.detach().to_type(ScalarType.Float32).contiguous().cpu().data<float>().ToArray();
        int n = (int)prediction.shape[0], h = (int)prediction.shape[2], w = (int)prediction.shape[3], plane = h * w;
        var scores = new ImageScores[n];
        for (int i = 0; i < n; i++)
        {
            var predictionImage = Image(p, i, w, h);
            var realImage = Image(r, i, w, h);
            var maskImage = new Mask(w, h, m.AsSpan(i * plane, plane).ToArray());
            scores[i] = MetricProtocols.Harmonia.ScoreErrors(predictionImage, realImage, maskImage);
        }
        return scores;
    }

    // (N, 3, H, W) → N·H·W·3 floats, RGB interleaved.
    static float[] ToInterleaved(Tensor x) =>
        x.to_type(ScalarType.Float32).permute(0, 2, 3, 1).contiguous().cpu().data<float>().ToArray();

    static RgbImage Image(float[] interleaved, int index, int width, int height)
    {
        var image = new RgbImage(width, height);
        var source = interleaved.AsSpan(index * image.Pixels.Length, image.Pixels.Length);
        for (int k = 0; k < source.Length; k++) image.Pixels[k] = Srgb.ToByte(source[k]);
        return image;
    }
}
