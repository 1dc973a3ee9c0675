using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.CharmNet;

/// <summary>The two image domains of CharmNet (official <c>domain_flag</c>: 0 = rendered, 1 = real).</summary>
public enum ImageDomain
{
    /// <summary>Rendered images (RdHarmony).</summary>
    Rendered = 0,
    /// <summary>Real photographs (and the synthetic composites made from them).</summary>
    Real = 1,
}

/// <summary>
/// One pass of the generator. <paramref name="DomainFeatures"/>: the domain encoder's output (N, C, H/2^u, W/2^u), u =
/// unshared depth, where the discriminator and SC1 look; <paramref name="HarmonizedFeatures"/>: the shared decoder's
/// output, same shape, where SC2 looks; <paramref name="Output"/>: the image (N, 3, H, W), not blended with the mask
/// and not clamped; <paramref name="Attention"/>: the blending attention (N, 1, H, W).
/// </summary>
public sealed record GeneratorPass(Tensor DomainFeatures, Tensor HarmonizedFeatures, Tensor Output, Tensor Attention);

/// <summary>
/// CharmNet's three-stage generator (official <c>DAGenerator</c>, built on iDIH: a U-Net of 4x4 stride-2 blocks with
/// additive skips and an image-blending head). Stage 1: a domain-specific encoder (<c>render_enc</c> / <c>real_enc</c>,
/// the first <c>UnsharedDepth</c> levels); stage 2: the shared encoder (<c>encoder_blocks.block{u..Depth−1}</c>) and
/// decoder (<c>deconv_blocks</c>); stage 3: a domain-specific decoder (<c>render_dec</c> / <c>real_dec</c>) with the
/// blending head. Names are the official state-dict names.
/// <para>
/// Difference from the official code (chosen for any input size): every block pads by 1, so a level exactly halves
/// H and W and the input must be a multiple of 2^Depth (128); the official network pads the deepest encoder block and
/// the first shared deconvolution by 0 (built for 256² inputs).
/// </para>
/// </summary>
public sealed class CharmNetGenerator : nn.Module
{
#pragma warning disable IDE1006 // state-dict names
    readonly DomainEncoder render_enc, real_enc;
    readonly ModuleDict<ConvBlock> encoder_blocks;
    readonly ModuleList<DeconvBlock> deconv_blocks;
    readonly DomainDecoder real_dec, render_dec;
#pragma warning restore IDE1006

    /// <summary>Builds the generator for <paramref name="config"/>.</summary>
    public CharmNetGenerator(CharmNetConfig config) : base("DAGenerator")
    {
        render_enc = new DomainEncoder(config.UnsharedDepth, config.Width);
        real_enc = new DomainEncoder(config.UnsharedDepth, config.Width);
        encoder_blocks = new ModuleDict<ConvBlock>();
        var shared = new List<long>();
        long output = config.DomainFeatureChannels;
        for (int i = config.UnsharedDepth; i < config.Depth; i++)
        {
            long input = output;
            if (i % 2 == 0) output = Math.Min(2 * output, 512);
            encoder_blocks.Add($"block{i}", new ConvBlock(input, output, batchNorm: true));
            shared.Add(output);
        }
        deconv_blocks = new ModuleList<DeconvBlock>();
        long from = shared[^1], to = from;
        shared.RemoveAt(shared.Count - 1);
        for (int d = 0; d < config.Depth - config.UnsharedDepth; d++)
        {
            if (shared.Count > 0)
            {
                to = shared[^1];
                shared.RemoveAt(shared.Count - 1);
            }
            else to = config.UnsharedDepth % 2 == 0 ? from / 2 : from;
            deconv_blocks.Add(new DeconvBlock(from, to));
            from = to;
        }
        real_dec = new DomainDecoder(real_enc.Channels);
        render_dec = new DomainDecoder(render_enc.Channels);
        RegisterComponents();
    }

    /// <summary>
    /// image (N, 3, H, W) in [0, 1] and mask (N, 1, H, W) in {0, 1}, H and W multiples of 2^Depth, through the
    /// <paramref name="domain"/>'s encoder and decoder.
    /// </summary>
    public GeneratorPass Run(Tensor image, Tensor mask, ImageDomain domain)
    {
        var input = cat(new[] { image, mask }, 1);
        var encoded = (domain == ImageDomain.Rendered ? render_enc : real_enc).forward(input);
        var shared = new List<Tensor> { encoded[0] };
        using (var blocks = encoder_blocks.items())
            while (blocks.MoveNext()) shared.Add(blocks.Current.Item2.forward(shared[^1]));
        shared.Reverse();
        var x = shared[0];
        for (int i = 0; i < deconv_blocks.Count; i++) x = deconv_blocks[i].forward(x).Plus(shared[i + 1]);
        var (output, attention) = (domain == ImageDomain.Rendered ? render_dec : real_dec).forward(x, encoded, image);
        return new GeneratorPass(encoded[0], x, output, attention);
    }
}

/// <summary>
/// CharmNet's style classifier (official <c>StyleClassifier</c>, SC1 before and SC2 after harmonization): three 3x3
/// convolutions with BatchNorm, ReLU and max pooling, then a 3x3 convolution to the style logits. Difference from the
/// official code: the last pooling is a global max pool (official: 4x4, which makes 1x1 only for 16² features, i.e.
/// 256² inputs), so any input size gives one style distribution; it returns logits (softmax is the loss's).
/// </summary>
public sealed class StyleClassifier : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly Sequential net;
#pragma warning restore IDE1006

    /// <summary>A classifier of <paramref name="input"/>-channel features into <paramref name="styles"/> styles, first width <paramref name="width"/>.</summary>
    public StyleClassifier(long input, long width, long styles) : base(nameof(StyleClassifier))
    {
        net = nn.Sequential(
            nn.Conv2d(input, width, 3, padding: 1), new ScalarSafeBatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(width, width / 2, 3, padding: 1), new ScalarSafeBatchNorm2d(width / 2), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(width / 2, width / 4, 3, padding: 1), new ScalarSafeBatchNorm2d(width / 4), nn.ReLU(), nn.AdaptiveMaxPool2d(new long[] { 1, 1 }),
            nn.Conv2d(width / 4, styles, 3, padding: 1));
        RegisterComponents();
    }

    /// <summary>features (N, C, h, w), h and w at least 4 → style logits (N, styles).</summary>
    public override Tensor forward(Tensor features) => net.forward(features).flatten(1);
}
