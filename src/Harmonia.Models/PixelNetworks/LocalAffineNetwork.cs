using Harmonia.Core.Imaging;
using Harmonia.Core.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PixelNetworks;

/// <summary>
/// A pixel-to-pixel network brought to full resolution through a local affine colour field (the contract of
/// <c>phnet</c>, <c>contrastive</c> and <c>charmnet</c>): the composite goes to the working resolution (<see cref="WorkingImage"/>),
/// the network runs once (serialized: calls may come from several threads), and its change of the foreground is fitted
/// as a <see cref="LocalAffineParameters"/> field that the full-resolution renderer applies under the soft mask.
/// Owns the network module.
/// </summary>
public sealed class LocalAffineNetwork : IDisposable
{
    readonly Lock gate = new();
    readonly nn.Module module;
    readonly Func<Tensor, Tensor, Tensor> network;
    readonly int sizeMultiple, workingSize, cellSize;

    /// <summary>Wraps a network and its pass.</summary>
    /// <param name="module">The network (put in evaluation mode here; disposed with this object).</param>
    /// <param name="network">Its pass: image (1, 3, H, W) in [0, 1], mask (1, 1, H, W) → image (1, 3, H, W).</param>
    /// <param name="sizeMultiple">H and W the network needs divisible by this (padding replicates edges).</param>
    /// <param name="workingSize">Long side of the working resolution in pixels.</param>
    /// <param name="cellSize">Grid cell of the colour field, in working-resolution pixels.</param>
    public LocalAffineNetwork(nn.Module module, Func<Tensor, Tensor, Tensor> network, int sizeMultiple, int workingSize, int cellSize)
    {
        module.eval();
        (this.module, this.network, this.sizeMultiple, this.workingSize, this.cellSize) = (module, network, sizeMultiple, workingSize, cellSize);
    }

    /// <summary>
    /// The composite and mask at the working resolution and the network's output there (interleaved RGB in [0, 1], as
    /// <see cref="WorkingImage.Run"/>), or a null output when the foreground vanishes at that resolution.
    /// </summary>
    public (WorkingImage Input, float[]? Output) Run(RgbImage composite, Mask mask)
    {
        var input = WorkingImage.Prepare(composite, mask, workingSize);
        if (!input.HasForeground) return (input, null);
        lock (gate) return (input, input.Run(sizeMultiple, network));
    }

    /// <summary>The network's colour change as a local affine field over the working-resolution grid (identity when the foreground vanishes there).</summary>
    public LocalAffineParameters Predict(RgbImage composite, Mask mask)
    {
        var (input, output) = Run(composite, mask);
        return output is null ? input.IdentityField(cellSize) : input.FitField(output, cellSize);
    }

    /// <inheritdoc />
    public void Dispose() => module.Dispose();
}
