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
        return (mean, variance.Plus(eps).sqrt());
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
        var std = variance.Plus(eps).sqrt();
        var empty = count.lt(TorchScalars.Of(1e-6));
        return (where(empty, globalMean.expand_as(mean), mean), where(empty, globalStd.expand_as(std), std));
    }

    /// <summary>Broadcasts per-cell values (N, C, G, G) back to the pixels of their cells (N, C, H, W).</summary>
    public static Tensor ToPixels(Tensor cellValues, long height, long width, CellSplit split = CellSplit.Proportional)
    {
        var (rows, cols) = CellMatrices(height, width, (int)cellValues.shape[2], cellValues.device, split);
        return Expand(cellValues, rows, cols);
    }

    /// <summary>
    /// Official PFE statistics (<c>PatchedHarmonizer.compute_mean_var</c>): per-cell mean and std = sqrt(unbiased
    /// variance) of <paramref name="x"/> (N, C, H, W) over every pixel of the cell, zeros included (no mask);
    /// cells split as <see cref="CellSplit.FloorWithRemainder"/>. Returns two (N, C, G, G).
    /// </summary>
    public static (Tensor Mean, Tensor Std) UnmaskedCells(Tensor x, int grid)
    {
        var (rows, cols) = CellMatrices(x.shape[2], x.shape[3], grid, x.device, CellSplit.FloorWithRemainder);
        var count = matmul(rows.sum(1, keepdim: true), cols.sum(1, keepdim: true).t());   // (G, G) pixels per cell
        var mean = CellSum(x, rows, cols) / count;
        var variance = CellSum((x - Expand(mean, rows, cols)).Squared(), rows, cols) / (count - TorchScalars.Of(1)).clamp_min(TorchScalars.Of(1));
        return (mean, variance.sqrt());
    }

    /// <summary>
    /// Official PN local means: per cell Σ(x·w) / (Σw + eps) of <paramref name="x"/> (N, C, H, W) with weight
    /// (N, 1, H, W), cells split as <see cref="CellSplit.FloorWithRemainder"/>. Returns (N, C, G, G).
    /// </summary>
    public static Tensor WeightedCellMeans(Tensor x, Tensor weight, int grid, double eps)
    {
        var (rows, cols) = CellMatrices(x.shape[2], x.shape[3], grid, x.device, CellSplit.FloorWithRemainder);
        return CellSum(x * weight, rows, cols) / CellSum(weight, rows, cols).Plus(eps);
    }

    static Tensor CellSum(Tensor x, Tensor rows, Tensor cols) => matmul(matmul(rows, x), cols.t());

    static Tensor Expand(Tensor cells, Tensor rows, Tensor cols) => matmul(matmul(rows.t(), cells), cols);

    /// <summary>One-hot cell membership: rows (G, H), cols (G, W).</summary>
    static (Tensor Rows, Tensor Cols) CellMatrices(long height, long width, int grid, Device device, CellSplit split = CellSplit.Proportional)
    {
        return (OneHot(height, grid, device, split), OneHot(width, grid, device, split));
    }

    static Tensor OneHot(long length, int grid, Device device, CellSplit split)
    {
        var data = new float[grid * length];
        long size = Math.Max(1, length / grid);
        for (long i = 0; i < length; i++)
        {
            long cell = split == CellSplit.Proportional ? i * grid / length : Math.Min(i / size, grid - 1);
            data[cell * length + i] = 1f;
        }
        return tensor(data, new long[] { grid, length }, device: device);
    }
}

/// <summary>How H (or W) pixels are split into G cells.</summary>
internal enum CellSplit
{
    /// <summary>Pixel i belongs to cell floor(i·G/H): cells differ by at most one pixel (Harmonia's PHNet).</summary>
    Proportional,

    /// <summary>Cells of H / G pixels (integer division), the last one taking the remainder (official PHNet: 10 on 128 gives 9 x 12 + 20).</summary>
    FloorWithRemainder,
}
