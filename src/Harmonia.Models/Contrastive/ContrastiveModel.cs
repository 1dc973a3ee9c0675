using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// The base network of Liang &amp; Pun, "Image Harmonization with Region-wise Contrastive Learning" (§III-A), sized
/// for a CPU: a residual U-Net on the low-resolution composite I' and mask M' (4 input channels).
/// <list type="bullet">
/// <item><c>encoder.{0..3}</c>: a 4x4 stride-2 convolution + LeakyReLU(0.2), then a residual block (two 3x3
/// convolutions, ReLU, identity skip): E_0..E_3 with Width·(1, 2, 4, 8) channels at 1/2 .. 1/16 of the input.</item>
/// <item><c>decoder.{0..2}</c> (deepest first): bilinear ×2 upsampling + 3x3 convolution to the mirrored encoder's
/// width, concatenation with that encoder map + 3x3 convolution, an S²AM block (<see cref="SpatialSeparatedAttention"/>)
/// and, with <see cref="ContrastiveConfig.StyleFusion"/>, the external style fusion (<see cref="StyleFusion"/>) with
/// the mirrored encoder map E_i. The masks follow by area downsampling.</item>
/// <item><c>head</c>: a 1x1 convolution to 3 channels at 1/2, upsampled bilinearly and added to the input
/// (residual output, zero-initialised, so training starts at the identity as PHNet here does; the paper does not
/// say how its output is formed).</item>
/// <item><c>projector</c>: the shared two-layer MLP of the contrastive loss (8x8x3 patch → EmbeddingSize → ReLU →
/// EmbeddingSize, <see cref="RegionContrastiveLoss"/>); trained with the network, unused at inference.</item>
/// </list>
/// H and W must be multiples of 16; any aspect ratio works. The paper's network (28 M parameters at 256²) is larger;
/// see docs/methods/contrastive.md for this one's size and speed.
/// </summary>
public sealed class ContrastiveModel : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly ModuleList<EncoderLevel> encoder;
    readonly ModuleList<DecoderLevel> decoder;
    readonly Conv2d head;
    readonly Sequential projector;
#pragma warning restore IDE1006

    /// <summary>Narrow 3x3 convolutions are <see cref="Im2ColConv2d"/> (libtorch's Conv2d backward gave NaN gradients for narrow shapes here, see Runtime/README.md).</summary>
    const int Im2ColInputChannels = 64;

    /// <summary>The configuration the network was built with.</summary>
    public ContrastiveConfig Config { get; }

    /// <summary>The shared MLP of the contrastive loss (input 3·8·8 = 192 values).</summary>
    public Sequential Projector => projector;

    /// <summary>Builds the network.</summary>
    public ContrastiveModel(ContrastiveConfig config) : base("ContrastiveHarmonizer")
    {
        config.Validate();
        Config = config;
        var widths = new long[] { config.Width, 2L * config.Width, 4L * config.Width, 8L * config.Width };
        encoder = new ModuleList<EncoderLevel>();
        long previous = 4;
        foreach (var w in widths)
        {
            encoder.Add(new EncoderLevel(previous, w));
            previous = w;
        }
        decoder = new ModuleList<DecoderLevel>();
        for (int i = 2; i >= 0; i--) decoder.Add(new DecoderLevel(widths[i + 1], widths[i], config.StyleFusion));
        head = nn.Conv2d(widths[0], 3, 1);
        long patch = 3 * RegionContrastiveLoss.Patch * RegionContrastiveLoss.Patch;
        projector = nn.Sequential(nn.Linear(patch, config.EmbeddingSize), nn.ReLU(), nn.Linear(config.EmbeddingSize, config.EmbeddingSize));
        RegisterComponents();
        using var noGrad = no_grad();
        foreach (var p in head.parameters()) p.zero_();
    }

    /// <summary>A 3x3 same-padding convolution: <see cref="Im2ColConv2d"/> when narrow, else <c>nn.Conv2d</c> (same parameter names).</summary>
    internal static nn.Module<Tensor, Tensor> Conv3x3(long input, long output) =>
        input <= Im2ColInputChannels ? new Im2ColConv2d(input, output, 3) : nn.Conv2d(input, output, 3, padding: 1);

    /// <summary>
    /// image (N, 3, H, W) in [0, 1], mask (N, 1, H, W) in [0, 1] → network image (N, 3, H, W), <c>image + residual</c>,
    /// not blended and not clamped.
    /// </summary>
    public override Tensor forward(Tensor image, Tensor mask)
    {
        if (image.shape[2] % ContrastiveConfig.SizeMultiple != 0 || image.shape[3] % ContrastiveConfig.SizeMultiple != 0)
            throw new ArgumentException($"The contrastive network needs H and W divisible by {ContrastiveConfig.SizeMultiple}, got {image.shape[2]}x{image.shape[3]}.");
        using var scope = NewDisposeScope();
        var features = new List<Tensor>(4);
        var masks = new List<Tensor>(4);
        var x = cat(new[] { image, mask }, 1);
        var m = mask;
        for (int i = 0; i < 4; i++)
        {
            x = encoder[i].forward(x);
            m = nn.functional.avg_pool2d(m, 2);
            features.Add(x);
            masks.Add(m);
        }
        for (int i = 0; i < 3; i++) x = decoder[i].forward(x, features[2 - i], masks[2 - i]);
        var residual = nn.functional.interpolate(head.forward(x), scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
        return image.Plus(residual).MoveToOuterDisposeScope();
    }

    /// <summary>Network image blended with the mask: <c>out = net·m + image·(1 − m)</c>, shapes as <see cref="forward"/>.</summary>
    public Tensor Harmonize(Tensor image, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var raw = forward(image, mask);
        return (raw * mask).Plus(image * mask.OneMinus()).MoveToOuterDisposeScope();
    }

    /// <summary>Parameters of the harmonization network only (without the loss's <see cref="Projector"/>).</summary>
    public long NetworkParameterCount() =>
        named_parameters().Where(p => !p.name.StartsWith("projector.", StringComparison.Ordinal)).Sum(p => p.parameter.numel());
}

/// <summary>One encoder level: <c>down</c> (4x4 stride-2 conv + LeakyReLU 0.2), then <c>block</c> (residual block).</summary>
internal sealed class EncoderLevel : nn.Module<Tensor, Tensor>
{
    readonly Conv2d down;
    readonly ResidualBlock block;

    public EncoderLevel(long input, long output) : base(nameof(EncoderLevel))
    {
        down = nn.Conv2d(input, output, 4, stride: 2, padding: 1);
        block = new ResidualBlock(output);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return block.forward(nn.functional.leaky_relu(down.forward(x), 0.2)).MoveToOuterDisposeScope();
    }
}

/// <summary>ResUNet block: <c>relu(x + conv2(relu(conv1(x))))</c>.</summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, conv2;

    public ResidualBlock(long channels) : base(nameof(ResidualBlock))
    {
        conv1 = ContrastiveModel.Conv3x3(channels, channels);
        conv2 = ContrastiveModel.Conv3x3(channels, channels);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return nn.functional.relu(x.Plus(conv2.forward(nn.functional.relu(conv1.forward(x))))).MoveToOuterDisposeScope();
    }
}

/// <summary>One decoder level: upsample + <c>up</c>, concat with the encoder map + <c>merge</c>, <c>attention</c> (S²AM), optional <c>fusion</c>.</summary>
internal sealed class DecoderLevel : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> up, merge;
    readonly SpatialSeparatedAttention attention;
    readonly StyleFusion? fusion;

    public DecoderLevel(long input, long output, bool styleFusion) : base(nameof(DecoderLevel))
    {
        up = ContrastiveModel.Conv3x3(input, output);
        merge = ContrastiveModel.Conv3x3(2 * output, output);
        attention = new SpatialSeparatedAttention(output);
        fusion = styleFusion ? new StyleFusion(output) : null;
        RegisterComponents();
    }

    /// <summary>x: previous decoder map (N, in, h/2, w/2); skip: encoder map E_i (N, out, h, w); mask: (N, 1, h, w).</summary>
    public override Tensor forward(Tensor x, Tensor skip, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var upsampled = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear, align_corners: false);
        var d = nn.functional.relu(up.forward(upsampled));
        d = nn.functional.relu(merge.forward(cat(new[] { d, skip }, 1)));
        d = attention.forward(d, mask);
        if (fusion is not null) d = fusion.forward(d, skip, mask);
        return d.MoveToOuterDisposeScope();
    }
}
