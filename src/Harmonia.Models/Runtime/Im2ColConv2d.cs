using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Runtime;

/// <summary>
/// A stride-1 k×k convolution with "same" padding computed as im2col + matmul (<c>unfold</c>, then the weight as an
/// (out, in·k·k) matrix). Same parameters and names as <c>nn.Conv2d</c> (<c>weight</c> (out, in, k, k), optional
/// <c>bias</c>) and the same result. Why: libtorch 0.107's CPU convolution backward returns NaN gradients now and then
/// for some shapes on this machine (measured: Conv2d 16→8, 3×3, 64×64, batch 8 gave non-finite gradients in 2-8 of 60
/// backward passes, with 1 or 2 threads and with or without bias); the im2col form gave none in 120. Caveat, not
/// resolved: in a hand check on random inputs the input gradients of Conv2d, conv_transpose2d (the adjoint) and this
/// layer did not always agree, and which one differed changed between runs and thread counts; the forward results
/// always agree (tested).
/// input (N, in, H, W) → output (N, out, H, W).
/// </summary>
public sealed class Im2ColConv2d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // fields are named as in the PyTorch state dict
    readonly Parameter weight;
    readonly Parameter? bias;
#pragma warning restore IDE1006

    readonly int kernel;

    /// <summary>Creates the layer; initialisation as PyTorch's Conv2d (Kaiming uniform, a = √5).</summary>
    public Im2ColConv2d(long inChannels, long outChannels, int kernelSize = 3, bool hasBias = true) : base("Im2ColConv2d")
    {
        if (kernelSize % 2 == 0) throw new ArgumentException("Im2ColConv2d needs an odd kernel (same padding).");
        kernel = kernelSize;
        weight = new Parameter(empty(outChannels, inChannels, kernelSize, kernelSize));
        nn.init.kaiming_uniform_(weight, Math.Sqrt(5));
        if (hasBias)
        {
            double bound = 1 / Math.Sqrt(inChannels * kernelSize * kernelSize);
            bias = new Parameter(empty(outChannels));
            nn.init.uniform_(bias, -bound, bound);
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        long n = input.shape[0], h = input.shape[2], w = input.shape[3], o = weight.shape[0];
        var columns = nn.functional.unfold(input, kernel, padding: kernel / 2);   // (N, in·k·k, H·W)
        var output = matmul(weight.view(o, -1), columns).view(n, o, h, w);
        if (bias is not null) output = output.Plus(bias.view(1, o, 1, 1));
        return output.MoveToOuterDisposeScope();
    }
}
