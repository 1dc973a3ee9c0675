using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// The statistical colour transfer inside the patch-based feature extractor (official <c>PatchedHarmonizer</c>):
/// in every cell i of a G x G grid the masked foreground is moved to the background's statistics of that cell,
/// <c>local = (x − μi(F))·σi(B)/σi(F) + μi(B)</c>, globally the same with whole-image statistics, and
/// <c>out = grid_weights[0]·local + grid_weights[1]·global</c> (the only trainable parameters, official init 0.9/0.1).
/// Statistics are masked (foreground over M, background over 1 − M; the official code takes them over the zero-filled
/// masked images instead). Cells without foreground or background fall back to the global statistics.
/// <see cref="PHNetVariant.Official"/> computes exactly what the official code does: statistics of fg = image·M and
/// bg = image·(1 − M) over every pixel (zeros included), std = sqrt(unbiased variance), σ(F) + 1e-8 in the
/// denominator, cells of H / G pixels with the remainder in the last.
/// </summary>
public sealed class PatchedHarmonizer : nn.Module<Tensor, Tensor, Tensor>
{
    /// <summary>Std floor on image values in [0, 1]: keeps σ(B)/σ(F) bounded on flat or tiny cells.</summary>
    public const double Eps = 1e-4;

#pragma warning disable IDE1006
    readonly Parameter grid_weights;
#pragma warning restore IDE1006

    /// <summary>The official code's epsilon on σ(F) (<see cref="PHNetVariant.Official"/>).</summary>
    public const double OfficialEps = 1e-8;

    readonly PHNetVariant variant;

    /// <summary>Grid size G.</summary>
    public int GridCount { get; }

    /// <summary>Creates the transfer on a G x G grid.</summary>
    public PatchedHarmonizer(int gridCount, PHNetVariant variant = PHNetVariant.Harmonia) : base("PatchedHarmonizer")
    {
        GridCount = gridCount;
        this.variant = variant;
        grid_weights = new Parameter(tensor(new[] { 0.9f, 0.1f }));
        RegisterComponents();
    }

    /// <summary>image (N, 3, H, W) in [0, 1], mask (N, 1, H, W) → the colour-transferred image (N, 3, H, W), fg region meaningful.</summary>
    public override Tensor forward(Tensor image, Tensor mask)
    {
        if (variant == PHNetVariant.Official) return OfficialForward(image, mask);
        using var scope = NewDisposeScope();
        var background = mask.OneMinus();
        var (fgMean, fgStd) = PatchStatistics.Global(image, mask, Eps);
        var (bgMean, bgStd) = PatchStatistics.Global(image, background, Eps);
        var (fgCellMean, fgCellStd) = PatchStatistics.Cells(image, mask, GridCount, Eps, fgMean, fgStd);
        var (bgCellMean, bgCellStd) = PatchStatistics.Cells(image, background, GridCount, Eps, bgMean, bgStd);
        long h = image.shape[2], w = image.shape[3];
        var local = ((image - PatchStatistics.ToPixels(fgCellMean, h, w)) * PatchStatistics.ToPixels(bgCellStd / fgCellStd, h, w)).Plus(PatchStatistics.ToPixels(bgCellMean, h, w));
        var global = ((image - fgMean) * (bgStd / fgStd)).Plus(bgMean);
        return (grid_weights[0] * local).Plus(grid_weights[1] * global).MoveToOuterDisposeScope();
    }

    Tensor OfficialForward(Tensor image, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var fg = image * mask;
        var bg = image * mask.OneMinus();
        long h = image.shape[2], w = image.shape[3];
        var dims = new long[] { 2, 3 };
        var eps = TorchScalars.Of(OfficialEps);
        var (fgCellMean, fgCellStd) = PatchStatistics.UnmaskedCells(fg, GridCount);
        var (bgCellMean, bgCellStd) = PatchStatistics.UnmaskedCells(bg, GridCount);
        var local = ((fg - PatchStatistics.ToPixels(fgCellMean, h, w, CellSplit.FloorWithRemainder))
                     * PatchStatistics.ToPixels(bgCellStd / fgCellStd.add(eps, TorchScalars.One), h, w, CellSplit.FloorWithRemainder))
                    .Plus(PatchStatistics.ToPixels(bgCellMean, h, w, CellSplit.FloorWithRemainder));
        var global = ((fg - fg.mean(dims, keepdim: true)) * (bg.std(dims, unbiased: true, keepdim: true) / fg.std(dims, unbiased: true, keepdim: true).add(eps, TorchScalars.One)))
                     .Plus(bg.mean(dims, keepdim: true));
        return (grid_weights[0] * local).Plus(grid_weights[1] * global).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Patch-based feature extractor (PFE, official <c>PatchHarmonizerBlock</c>): the patch colour transfer of the
/// foreground, blended over the background with the mask, concatenated with the masked foreground and passed through
/// a 3x3 convolution + ReLU (<c>head</c>). Output (N, 3, H, W); the SE block pools it to one weight per sample.
/// The official code divides the background by 255 in that blend (its inputs are in [0, 1]); we blend the real
/// background, except in <see cref="PHNetVariant.Official"/>, which keeps the official /255.
/// </summary>
public sealed class PatchFeatureExtractor : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006
    readonly PatchedHarmonizer patch_harmonizer;
    readonly Sequential head;
#pragma warning restore IDE1006

    readonly PHNetVariant variant;

    /// <summary>Creates the PFE for images with <paramref name="channels"/> channels on a G x G grid (paper: 5).</summary>
    public PatchFeatureExtractor(long channels, int gridCount, PHNetVariant variant = PHNetVariant.Harmonia) : base("PatchHarmonizerBlock")
    {
        this.variant = variant;
        patch_harmonizer = new PatchedHarmonizer(gridCount, variant);
        head = nn.Sequential(new Im2ColConv2d(channels * 2, channels, 3), nn.Identity(), nn.ReLU());   // see Im2ColConv2d
        RegisterComponents();
    }

    /// <summary>image (N, C, H, W), mask (N, 1, H, W) → features (N, C, H, W).</summary>
    public override Tensor forward(Tensor image, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var harmonized = patch_harmonizer.forward(image, mask);
        var background = image * mask.OneMinus();
        if (variant == PHNetVariant.Official) background = background.div(TorchScalars.Of(255));
        var blended = (harmonized * mask).Plus(background);
        return head.forward(cat(new[] { image * mask, blended }, 1)).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// Squeeze-and-excitation on the bottleneck (official <c>SEBlock</c>, reduction 8): channel weights
/// y = sigmoid(fc(avgpool(x))). With the PFE output p (stages 2-3) the weights become y + sigmoid(mean_c(maxpool(p))):
/// the PFE map is globally max-pooled per channel (the official "adaptive" pool covers the whole map), averaged over
/// channels and squashed to one extra weight per sample, i.e. out = x·y + x·s as in the official code.
/// </summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor?, Tensor>
{
#pragma warning disable IDE1006
    readonly Sequential fc;
#pragma warning restore IDE1006

    /// <summary>Creates the block for <paramref name="channels"/> channels.</summary>
    public SqueezeExcitation(long channels, int reduction = 8) : base("SEBlock")
    {
        long hidden = Math.Max(1, channels / reduction);
        fc = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, channels), nn.Sigmoid());
        RegisterComponents();
    }

    /// <summary>x (N, C, h, w); auxiliary PFE features (N, 3, H, W) or null → (N, C, h, w).</summary>
    public override Tensor forward(Tensor x, Tensor? auxiliary)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], c = x.shape[1];
        var weightsPerChannel = fc.forward(x.mean(new long[] { 2, 3 })).view(n, c, 1, 1);
        if (auxiliary is not null)
        {
            var pooled = auxiliary.amax(new long[] { 2, 3 }).mean(new long[] { 1 }, keepdim: true);   // (N, 1)
            weightsPerChannel = weightsPerChannel.Plus(pooled.sigmoid().view(n, 1, 1, 1));
        }
        return (x * weightsPerChannel).MoveToOuterDisposeScope();
    }
}
