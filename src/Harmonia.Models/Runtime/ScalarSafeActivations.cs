using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Runtime;

/// <summary>
/// <c>nn.ELU()</c> (α = 1) without temporary Scalars: TorchSharp 0.107's ELU module passes α, scale and input scale as
/// doubles that become Scalars freed only by the finalizer (the Scalar race, README.md). CharmNet's training stopped
/// at validation with "Expected false to be true" until its ELUs used process-lifetime Scalars.
/// </summary>
public sealed class ScalarSafeElu() : nn.Module<Tensor, Tensor>("ELU")
{
    /// <summary>Element-wise ELU, any shape.</summary>
    public override Tensor forward(Tensor x) => x.elu(TorchScalars.One, TorchScalars.One, TorchScalars.One);
}

/// <summary><c>nn.LeakyReLU(slope)</c> with a process-lifetime Scalar for the slope (see <see cref="ScalarSafeElu"/>).</summary>
public sealed class ScalarSafeLeakyRelu(double slope) : nn.Module<Tensor, Tensor>("LeakyReLU")
{
    readonly Scalar negativeSlope = TorchScalars.Of(slope);

    /// <summary>Element-wise leaky ReLU, any shape.</summary>
    public override Tensor forward(Tensor x) => x.leaky_relu(negativeSlope);
}
