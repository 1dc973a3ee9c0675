using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// Masked per-channel statistics of a feature map, globally and per cell of a G x G grid (paper eqs. 2-4).
/// Cells are split proportionally: row h belongs to cell floor(h·G/H), column w to floor(w·G/W), so any H, W works.
/// Statistics are weighted by a (soft) mask: mean = Σ m·x / Σ m, variance = Σ m·(x − mean)² / Σ m,
/// std = sqrt(variance + eps). A cell without any weight falls back to the global statistics of the same mask
/// (the paper leaves empty cells undefined; the official code would return zeros there).
/// Cell sums are one-hot matrix products (R·X·Cᵀ), so everything is batched and differentiable.
/// </summary>
internal static class PatchStatistics
{
    /// <summary>Global masked mean and std. x: (N, C, H, W); weight: (N, 1, H, W). Returns two (N, C, 1, 1).</summary>
    public static (Tensor Mean, Tensor Std) Global(Tensor x, Tensor weight, double eps)
    {
        var dims = new long[] { 2, 3 };
        var count = weight.sum(dims, keepdim: true).clamp_min(TorchScalars.Of(1e-8));
        var mean = (x * weight).sum(dims, keepdim: true) / count;
        var variance = ((x - mean).Squared() * weight).sum(dims, keepdim: true) / count;
        return (mean, variance.add(TorchScalars.Of(eps)).sqrt());
    }

    /// <summary>
    /// Per-cell masked mean and std on a G x G grid. x: (N, C, H, W); weight: (N, 1, H, W).
    /// Returns (N, C, G, G) means and stds; empty cells take <paramref name="globalMean"/>/<paramref name="globalStd"/> (N, C, 1, 1).
    /// </summary>
    public static (Tensor Mean, Tensor Std) Cells(Tensor x, Tensor weight, int grid, double eps, Tensor globalMean, Tensor globalStd)
    {
        var (rows, cols) = CellMatrices(x.shape[2], x.shape[3], grid, x.device);
        var count = CellSum(weight, rows, cols);                         // (N, 1, G, G)
        var safe = count.clamp_min(TorchScalars.Of(1e-8));
        var mean = CellSum(x * weight, rows, cols) / safe;                // (N, C, G, G)
        var meanMap = Expand(mean, rows, cols);                           // (N, C, H, W)
        var variance = CellSum((x - meanMap).Squared() * weight, rows, cols) / safe;
        var std = variance.add(TorchScalars.Of(eps)).sqrt();
        var empty = count.lt(TorchScalars.Of(1e-6));
        return (where(empty, globalMean.expand_as(mean), mean), where(empty, globalStd.expand_as(std), std));
    }

    /// <summary>Broadcasts per-cell values (N, C, G, G) back to the pixels of their cells (N, C, H, W).</summary>
    public static Tensor ToPixels(Tensor cellValues, long height, long width)
    {
        var (rows, cols) = CellMatrices(height, width, (int)cellValues.shape[2], cellValues.device);
        return Expand(cellValues, rows, cols);
    }

    static Tensor CellSum(Tensor x, Tensor rows, Tensor cols) => matmul(matmul(rows, x), cols.t());

    static Tensor Expand(Tensor cells, Tensor rows, Tensor cols) => matmul(matmul(rows.t(), cells), cols);

    /// <summary>One-hot cell membership: rows (G, H), cols (G, W).</summary>
    static (Tensor Rows, Tensor Cols) CellMatrices(long height, long width, int grid, Device device)
    {
        return (OneHot(height, grid, device), OneHot(width, grid, device));
    }

    static Tensor OneHot(long length, int grid, Device device)
    {
        var data = new float[grid * length];
        for (long i = 0; i < length; i++)
            data[(i * grid / length) * length + i] = 1f;
        return tensor(data, new long[] { grid, length }, device: device);
    }
}
