using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Runs one train-mode BatchNorm forward, once per process, before a model with BatchNorm layers trains. Why:
/// training crashed in TorchSharp 0.107's <c>BatchNorm.forward</c> (<c>num_batches_tracked.add_(1)</c> with a
/// corrupted scalar) when its first train-mode call happened inside the trainer's per-step dispose scope; a first call
/// outside any scope avoided it. That <c>add_(1)</c> converts <c>1</c> to a temporary Scalar, so the likely cause is
/// the Scalar race of <see cref="TorchScalars"/>; the warm-up is kept until a run without it shows no such failure.
/// </summary>
public static class BatchNormWarmUp
{
    static readonly Lazy<bool> Done = new(Run);

    /// <summary>Warms up when <paramref name="model"/> (or any of its submodules) is a BatchNorm; a no-op after the first time.</summary>
    public static void EnsureFor(nn.Module model)
    {
        if (HasBatchNorm(model)) _ = Done.Value;
    }

    /// <summary>Whether <paramref name="model"/> or one of its submodules is a BatchNorm (1d, 2d or 3d).</summary>
    public static bool HasBatchNorm(nn.Module model) => model is BatchNorm || model.modules().Any(m => m is BatchNorm);

    static bool Run()
    {
        using var bn = nn.BatchNorm2d(1);
        bn.train();
        using var x = zeros(2, 1, 2, 2);
        using var y = bn.forward(x);
        return true;
    }
}
