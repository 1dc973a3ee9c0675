using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Training.Reporting;

/// <summary>Per-image MSE, fMSE and PSNR of one image pair.</summary>
public readonly record struct ImageScores(double Mse, double ForegroundMse, double Psnr);

/// <summary>
/// The field's harmonization metrics, computed on values scaled to 0-255 (predictions are clamped to [0, 1] first,
/// not quantized to 8 bits): MSE = mean over pixels and channels of (p − r)²; fMSE = the same sum restricted to
/// foreground pixels divided by (3 · foreground pixels) (0 for an empty mask); PSNR = 10·log10(255² / MSE).
/// </summary>
public static class HarmonizationMetrics
{
    /// <summary>Scores every image of a batch. prediction, real: (N, 3, H, W) in [0, 1]; mask: (N, 1, H, W) in {0, 1}.</summary>
    public static ImageScores[] Compute(Tensor prediction, Tensor real, Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var sq = (prediction.detach().clamp(TorchScalars.Of(0), TorchScalars.Of(1)) - real).mul(TorchScalars.Of(255)).Squared();
        var mse = sq.mean([1, 2, 3]).to_type(ScalarType.Float64).data<double>().ToArray();
        var fgSum = (sq * mask).sum([1, 2, 3]).to_type(ScalarType.Float64).data<double>().ToArray();
        var fgCount = mask.sum([1, 2, 3]).to_type(ScalarType.Float64).data<double>().ToArray();
        var scores = new ImageScores[mse.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            double fmse = fgCount[i] > 0 ? fgSum[i] / (3 * fgCount[i]) : 0;
            scores[i] = new ImageScores(mse[i], fmse, 10 * Math.Log10(255.0 * 255.0 / Math.Max(mse[i], 1e-10)));
        }
        return scores;
    }
}
