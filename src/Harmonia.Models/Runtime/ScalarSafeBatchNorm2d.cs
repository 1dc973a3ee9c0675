using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Runtime;

/// <summary>
/// <c>nn.BatchNorm2d</c> (affine, running statistics, momentum 0.1, eps 1e-5) without TorchSharp 0.107's temporary
/// Scalars: its <c>BatchNorm.forward</c> runs <c>num_batches_tracked.add_(1)</c> in training mode, converting 1 (and the
/// default alpha) to Scalars that another thread's garbage collection can free mid-call (the Scalar race, README.md).
/// CharmNet's training, with many BatchNorm layers and two passes per step, failed within 10–60 steps with "For
/// integral input tensors, argument alpha must not be a floating point number" raised from that line. Here the counter
/// is stepped with process-lifetime Scalars and the normalization is the functional <c>batch_norm</c> (doubles only).
/// State-dict names and shapes are PyTorch's: <c>weight</c>, <c>bias</c>, <c>running_mean</c>, <c>running_var</c>,
/// <c>num_batches_tracked</c>.
/// </summary>
public sealed class ScalarSafeBatchNorm2d : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly Parameter weight, bias;
    readonly Tensor running_mean, running_var, num_batches_tracked;
#pragma warning restore IDE1006

    /// <summary>A BatchNorm over <paramref name="features"/> channels (input (N, C, H, W)).</summary>
    public ScalarSafeBatchNorm2d(long features) : base("BatchNorm2d")
    {
        weight = new Parameter(ones(features));
        bias = new Parameter(zeros(features));
        running_mean = zeros(features);
        running_var = ones(features);
        num_batches_tracked = zeros(Array.Empty<long>(), ScalarType.Int64);
        RegisterComponents();
    }

    /// <summary>(N, C, H, W) → normalized (N, C, H, W); in training mode the batch statistics update the running ones.</summary>
    public override Tensor forward(Tensor input)
    {
        if (training)
        {
            using var noGrad = no_grad();
            num_batches_tracked.add_(TorchScalars.OfInteger(1), TorchScalars.OfInteger(1));
        }
        return nn.functional.batch_norm(input, running_mean, running_var, weight, bias, training, 0.1, 1e-5);
    }
}
