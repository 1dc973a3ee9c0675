using Harmonia.Core.Imaging;
using Harmonia.Core.Transfer;
using Harmonia.Models.Runtime;
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
    /// <param name="mirrorAverage">
    /// Run the network on the image and on its left-right mirror image and average the two outputs (the mirrored one
    /// mirrored back): twice the network time; averages out part of the network's variance (test-time augmentation).
    /// </param>
    public LocalAffineNetwork(nn.Module module, Func<Tensor, Tensor, Tensor> network, int sizeMultiple, int workingSize, int cellSize, bool mirrorAverage = false)
    {
        module.eval();
        (this.module, this.sizeMultiple, this.workingSize, this.cellSize) = (module, sizeMultiple, workingSize, cellSize);
        this.network = mirrorAverage ? MirrorAveraged(network) : network;
    }

    /// <summary>
    /// <paramref name="network"/>'s output averaged with its output on the mirrored inputs, mirrored back. Shapes as the
    /// network's: image (N, 3, H, W), mask (N, 1, H, W) → (N, 3, H, W). Runs inside the caller's dispose scope.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> MirrorAveraged(Func<Tensor, Tensor, Tensor> network) => (image, mask) =>
    {
        var direct = network(image, mask);
        var mirrored = network(image.flip(3), mask.flip(3)).flip(3);
        return direct.Plus(mirrored).mul_(TorchScalars.Of(0.5));
    };

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
