using Harmonia.Models.Runtime;
using Harmonia.Models.PIH;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.PIH;

/// <summary>
/// A convolution whose weight is divided by its largest singular value (spectral normalization, Miyato et al. 2018,
/// as <c>torch.nn.utils.spectral_norm</c>): one power iteration per training forward refines the estimate kept in
/// the <c>weight_u</c> buffer. Names: <c>weight_orig</c>, <c>bias</c>, <c>weight_u</c>.
/// </summary>
public sealed class SpectralConv2d : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight_orig;
    readonly Parameter? bias;
    readonly Tensor weight_u;
    readonly long stride, padding;

    /// <summary>in → out channels, square kernel.</summary>
    public SpectralConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, bool hasBias = true) : base(nameof(SpectralConv2d))
    {
        using var plain = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: hasBias);
        weight_orig = new Parameter(plain.weight!.detach().clone());
        bias = hasBias ? new Parameter(plain.bias!.detach().clone()) : null;
        weight_u = nn.functional.normalize(torch.randn(outChannels), dim: 0);
        this.stride = stride;
        this.padding = padding;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long outChannels = weight_orig.shape[0];
        var matrix = weight_orig.view(outChannels, -1);
        if (training)
        {
            using var noGrad = torch.no_grad();
            var next = nn.functional.normalize(matrix.t().matmul(weight_u), dim: 0);
            weight_u.copy_(nn.functional.normalize(matrix.matmul(next), dim: 0));
        }
        // Copies of u and v: the buffer changes in the next forward while this one's graph may still be used.
        Tensor u, v;
        using (torch.no_grad())
        {
            u = weight_u.clone();
            v = nn.functional.normalize(matrix.t().matmul(u), dim: 0);
        }
        var sigma = u.dot(matrix.matmul(v));
        var weight = weight_orig / sigma;
        return nn.functional.conv2d(x, weight, bias, strides: [stride, stride], padding: [padding, padding]).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// PIH's discriminator: a small U-Net scoring every pixel (official <c>UNetDiscriminatorSN</c>, after Real-ESRGAN):
/// a 3×3 convolution, three 4×4 stride-2 spectral-normalized convolutions down, three bilinear upsamplings each with
/// a spectral-normalized 3×3 convolution and an additive skip, a spectral-normalized 3×3 and a plain 3×3 to one
/// channel. LeakyReLU 0.2. Input (N, 3, H, W) in [0, 1], H and W multiples of 8; output (N, 1, H, W) raw scores
/// (LSGAN targets: 1 real, 0 fake). With the official <c>ganlossmask</c> the composite's background pixels are the
/// "real" examples and the foreground pixels the "fake" ones, so the stream without ground truth still trains it.
/// </summary>
public sealed class PixelDiscriminator : nn.Module<Tensor, Tensor>
{
    readonly SkipUNet net;

    /// <summary>Creates the discriminator with <paramref name="c"/> channels at full resolution (official: 16).</summary>
    public PixelDiscriminator(int c = 16) : base(nameof(PixelDiscriminator))
    {
        net = new SkipUNet(3, c, 1, (i, o, k, s, p) => new SpectralConv2d(i, o, k, s, p, hasBias: false), leak: 0.2);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => net.forward(x);
}

/// <summary>Per-pixel least-squares GAN terms with the mask deciding which pixels are real (official <c>ganlossmask</c>).</summary>
public static class MaskedLsgan
{
    /// <summary>Mean of <paramref name="values"/> (N, 1, H, W) over the pixels where <paramref name="weight"/> is 1 (at least one pixel counted).</summary>
    public static Tensor MeanOver(Tensor values, Tensor weight) => (values * weight).sum() / weight.sum().clamp_min(TorchScalars.Of(1));

    /// <summary>
    /// Discriminator loss on a harmonized composite: foreground pixels → 0 (fake), background pixels → 1 (real),
    /// each region averaged on its own so a small foreground still counts; plus, when a real image is given, all its
    /// pixels → 1.
    /// </summary>
    public static Tensor Discriminator(Tensor fakeScores, Tensor mask, Tensor? realScores)
    {
        var loss = MeanOver(fakeScores.Squared(), mask).Plus(MeanOver((fakeScores - TorchScalars.Of(1)).Squared(), mask.OneMinus()));
        return realScores is null ? loss : loss.Plus((realScores - TorchScalars.Of(1)).Squared().mean());
    }

    /// <summary>Generator loss: the harmonized foreground pixels should score as real.</summary>
    public static Tensor Generator(Tensor fakeScores, Tensor mask) => MeanOver((fakeScores - TorchScalars.Of(1)).Squared(), mask);
}
