using Harmonia.Core.Imaging;
using Harmonia.Core.Transfer;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PixelNetworks;

/// <summary>
/// A pixel-to-pixel network brought to full resolution through a local affine colour field (the contract of
/// <c>contrastive</c> and <c>charmnet</c>): the composite goes to the working resolution (<see cref="WorkingImage"/>),
/// the network runs once (serialized: calls may come from several threads), and its change of the foreground is fitted
/// as a <see cref="LocalAffineParameters"/> field that the full-resolution renderer applies under the soft mask.
/// Owns the network module.
/// </summary>
/// <param name="module">The network (put in evaluation mode here; disposed with this object).</param>
/// <param name="network">Its pass: image (1, 3, H, W) in [0, 1], mask (1, 1, H, W) → image (1, 3, H, W).</param>
/// <param name="sizeMultiple">H and W the network needs divisible by this (padding replicates edges).</param>
/// <param name="workingSize">Long side of the working resolution in pixels.</param>
/// <param name="cellSize">Grid cell of the colour field, in working-resolution pixels.</param>
public sealed class LocalAffineNetwork(nn.Module module, Func<Tensor, Tensor, Tensor> network, int sizeMultiple, int workingSize, int cellSize) : IDisposable
{
    readonly Lock gate = new();
    readonly nn.Module module = Evaluating(module);

    /// <summary>Long side of the working resolution in pixels.</summary>
    public int WorkingSize => workingSize;

    /// <summary>The network's colour change as a local affine field over the working-resolution grid (identity when the foreground vanishes there).</summary>
    public LocalAffineParameters Predict(RgbImage composite, Mask mask)
    {
        var input = WorkingImage.Prepare(composite, mask, workingSize);
        if (!input.HasForeground) return input.IdentityField(cellSize);
        float[] target;
        lock (gate) target = input.Run(sizeMultiple, network);
        return input.FitField(target, cellSize);
    }

    static nn.Module Evaluating(nn.Module module)
    {
        module.eval();
        return module;
    }

    /// <inheritdoc />
    public void Dispose() => module.Dispose();
}
