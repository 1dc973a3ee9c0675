using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Harmonia.Training.Adversarial;

/// <summary>
/// The "standard 5-layer CONV-BN-ReLU" patch discriminator S²CRNet uses with an LSGAN criterion: four 5x5 stride-2
/// convolutions (64, 128, 256, 512 channels; BatchNorm on all but the first; LeakyReLU 0.2) then a 4x4 stride-1
/// convolution (padding 1) to one channel. Input (N, 3, H, W) in [0, 1]; output (N, 1, H/16 − 1, W/16 − 1) raw scores
/// (15 x 15 for 256² input), one per overlapping patch. What it sees: whole images — the real image, or the
/// generator's prediction (the harmonized foreground pasted on the unchanged background), as S²CRNet's code does.
/// </summary>
public sealed class PatchDiscriminator : Module<Tensor, Tensor>
{
    // Field name matches the state dict prefix "model.<i>.".
    readonly Sequential model;

    /// <summary>Creates the discriminator with <paramref name="inputChannels"/> input channels (3 for RGB).</summary>
    public PatchDiscriminator(int inputChannels = 3, int baseChannels = 64) : base(nameof(PatchDiscriminator))
    {
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        int cin = inputChannels;
        int index = 0;
        for (int i = 0; i < 4; i++)
        {
            int cout = baseChannels << i;
            layers.Add(($"{index++}", Conv2d(cin, cout, 5, stride: 2, padding: 2, bias: i == 0)));
            if (i > 0) layers.Add(($"{index++}", BatchNorm2d(cout)));
            layers.Add(($"{index++}", LeakyReLU(0.2)));
            cin = cout;
        }
        layers.Add(($"{index}", Conv2d(cin, 1, 4, stride: 1, padding: 1)));
        model = Sequential(layers);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => model.forward(input);
}

/// <summary>Least-squares GAN losses (Mao et al. 2017) with targets 1 for real and 0 for fake.</summary>
public static class LsganLoss
{
    /// <summary>Discriminator loss ½·(mean((D(real) − 1)²) + mean(D(fake)²)). Scores are D's raw outputs.</summary>
    public static Tensor Discriminator(Tensor realScores, Tensor fakeScores) =>
        ((realScores - TorchScalars.Of(1)).Squared().mean().Plus(fakeScores.Squared().mean())).mul(TorchScalars.Of(0.5));

    /// <summary>Generator loss mean((D(fake) − 1)²): the generator wants its outputs scored as real.</summary>
    public static Tensor Generator(Tensor fakeScores) => (fakeScores - TorchScalars.Of(1)).Squared().mean();
}
