using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.CharmNet;

/// <summary>
/// CharmNet's domain discriminator D (official <c>FCDiscriminator</c>): three 3x3 convolutions with LeakyReLU(0.2)
/// (<c>net.0</c>, <c>net.2</c>, <c>net.4</c>: C → ndf → ndf/2 → 1) on the domain encoder's output; a score per feature
/// position, high for the real domain.
/// </summary>
public sealed class DomainDiscriminator : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly Sequential net;
#pragma warning restore IDE1006

    /// <summary>A discriminator of <paramref name="input"/>-channel features, first width <paramref name="width"/>.</summary>
    public DomainDiscriminator(long input, long width) : base("FCDiscriminator")
    {
        net = nn.Sequential(
            nn.Conv2d(input, width, 3, padding: 1), new ScalarSafeLeakyRelu(0.2),
            nn.Conv2d(width, width / 2, 3, padding: 1), new ScalarSafeLeakyRelu(0.2),
            nn.Conv2d(width / 2, 1, 3, padding: 1));
        RegisterComponents();
    }

    /// <summary>features (N, C, h, w) → scores (N, 1, h, w).</summary>
    public override Tensor forward(Tensor features) => net.forward(features);
}
