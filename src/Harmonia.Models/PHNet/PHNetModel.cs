using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet (Efremyan et al., "PHNet: Patch-based Normalization for Portrait Harmonization"), module layout and
/// parameter names as in the official PyTorch code (befozg/PHNet, <c>PHNet</c> class):
/// <list type="bullet">
/// <item><c>encoder.{0..5}</c>: conv + InstanceNorm (no affine) + ReLU, alternating k4 s2 and k3 s1 (padding 1).</item>
/// <item><c>SE_block</c>: squeeze-and-excitation on the bottleneck; from stage 2 on its channel weights are combined
/// with the pooled output of <c>feature_extractor</c> (PFE, 5x5 grid).</item>
/// <item><c>skip.{i}</c>: 3x3 conv (no bias) + ReLU fusing the decoder state with the mirrored encoder output;
/// <c>decoder.{i}</c>: transposed convs (k3 s1 / k4 s2) with BatchNorm in the lower layers and LeakyReLU.</item>
/// <item><c>normalizers.{k}</c>: PN blocks (eqs. 2-12) normalizing the encoder features that feed the last
/// decoder layers (grids 3, 4, 5). The paper says PN blocks sit in decoder layers 4-6 with 9/16/25 patches; the
/// official code applies them to the skip features of those layers but, by an index offset, only to two of them
/// with grids 10 and 5; we apply one to each of the last three, with the paper's grids.</item>
/// </list>
/// <see cref="forward"/> returns the network image, <c>image + d</c> or <c>sigmoid(d)</c> by
/// <see cref="PHNetConfig.Output"/> (residual is our default, see <see cref="PHNetOutput"/>); <see cref="Harmonize"/> blends it with the mask so
/// the background is exactly the composite's. H and W must be multiples of 8; any aspect ratio works.
/// </summary>
public sealed class PHNetModel : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // fields are named as in the PyTorch state dict
    readonly PatchFeatureExtractor feature_extractor;
    readonly ModuleList<Sequential> encoder;
    readonly ModuleList<nn.Module<Tensor, Tensor, Tensor>> normalizers;
    readonly ModuleList<Sequential> decoder;
    readonly ModuleList<nn.Module<Tensor, Tensor>> skip;
    readonly SqueezeExcitation SE_block;
#pragma warning restore IDE1006

    readonly int normalizedFrom;

    /// <summary>Skip convs with at most this many input channels are <see cref="Im2ColConv2d"/> (cheap there; the NaNs were measured at 16).</summary>
    const int Im2ColInputChannels = 64;

    /// <summary>The configuration the network was built with.</summary>
    public PHNetConfig Config { get; }

    /// <summary>Whether the PFE feeds the SE block (paper: off in stage 1, on in stages 2 and 3).</summary>
    public bool UseFeatureExtractor { get; set; } = true;

    /// <summary>Builds the network.</summary>
    public PHNetModel(PHNetConfig config) : base("PHNet")
    {
        config.Validate();
        Config = config;
        var e = config.EncoderChannels;
        bool official = config.Variant == PHNetVariant.Official;
        feature_extractor = new PatchFeatureExtractor(e[0], config.FeatureExtractorGrid, config.Variant);
        encoder = new ModuleList<Sequential>();
        for (int i = 0; i < 6; i++)
        {
            bool down = i % 2 == 0;
            encoder.Add(nn.Sequential(
                nn.Conv2d(e[i], e[i + 1], down ? 4 : 3, stride: down ? 2 : 1, padding: 1),
                nn.InstanceNorm2d(e[i + 1]),
                nn.ReLU()));
        }

        var r = e.Reverse().ToArray();                      // r[0] = bottleneck ... r[6] = 3
        // Official: start_level = 7 − len(grids), so the last block would sit on a seventh layer that does not run.
        normalizedFrom = (official ? 7 : 6) - config.NormalizerGrids.Length;
        normalizers = new ModuleList<nn.Module<Tensor, Tensor, Tensor>>();
        for (int k = 0; k < config.NormalizerGrids.Length; k++)
            normalizers.Add(official
                ? new OfficialPatchNormalizer(r[normalizedFrom + k], config.NormalizerGrids[k])
                : new PatchNormalizer(r[normalizedFrom + k], config.NormalizerGrids[k]));
        int batchNormLayers = official ? normalizedFrom - 1 : normalizedFrom;

        decoder = new ModuleList<Sequential>();
        skip = new ModuleList<nn.Module<Tensor, Tensor>>();
        for (int i = 0; i < 6; i++)
        {
            bool up = i % 2 == 1;
            long output = i == 5 ? 3 : r[i + 1];
            nn.Module<Tensor, Tensor> norm = i < batchNormLayers ? nn.BatchNorm2d(output) : nn.Identity();
            nn.Module<Tensor, Tensor> activation = i == 5 ? nn.Identity() : nn.LeakyReLU();
            decoder.Add(nn.Sequential(
                nn.ConvTranspose2d(r[i], output, up ? 4 : 3, stride: up ? 2 : 1, padding: 1),
                norm,
                activation));
            // Narrow skip convs as im2col: libtorch's Conv2d backward gave NaN gradients for them (see Im2ColConv2d);
            // the wide ones stay Conv2d, where im2col costs too much (NaNs left are zeroed and counted by the trainer).
            skip.Add(official ? new SkipFusion(Fuse(r[i])) : nn.Sequential(Fuse(r[i]), nn.ReLU()));
        }
        if (official) skip.Add(new SkipFusion(Fuse(r[6])));   // skip.6: in the official state dict, never run

        SE_block = new SqueezeExcitation(e[6], config.SeReduction);
        RegisterComponents();
        if (config.Output == PHNetOutput.Residual)
        {
            // Start at the identity: the first layer of the last decoder block outputs zero.
            using var noGrad = no_grad();
            foreach (var p in decoder[5].parameters()) p.zero_();
        }
    }

    /// <summary>The 3x3 no-bias conv fusing 2·<paramref name="channels"/> channels (decoder state + skip feature) to <paramref name="channels"/>.</summary>
    static nn.Module<Tensor, Tensor> Fuse(long channels) => 2 * channels <= Im2ColInputChannels
        ? new Im2ColConv2d(2 * channels, channels, 3, hasBias: false)
        : nn.Conv2d(2 * channels, channels, 3, padding: 1, bias: false);

    /// <summary>The encoder parameters (frozen in stage 2).</summary>
    public IEnumerable<Parameter> EncoderParameters() => encoder.parameters();

    /// <summary>
    /// image (N, 3, H, W) in [0, 1], mask (N, 1, H, W) in [0, 1] → network image (N, 3, H, W), not blended: in (0, 1)
    /// for <see cref="PHNetOutput.Sigmoid"/>, unclamped for <see cref="PHNetOutput.Residual"/>.
    /// </summary>
    public override Tensor forward(Tensor image, Tensor mask)
    {
        if (image.shape[2] % PHNetConfig.SizeMultiple != 0 || image.shape[3] % PHNetConfig.SizeMultiple != 0)
            throw new ArgumentException($"PHNet needs H and W divisible by {PHNetConfig.SizeMultiple}, got {image.shape[2]}x{image.shape[3]}.");
        using var scope = NewDisposeScope();
        var auxiliary = UseFeatureExtractor ? feature_extractor.forward(image, mask) : null;

        var features = new List<Tensor>(6);
        var masks = new List<Tensor>(6);
        var x = image;
        var m = mask;
        for (int i = 0; i < 6; i++)
        {
            x = encoder[i].forward(x);
            // The mask follows the k4 s2 convs: area-downsampled (Harmonia) or nearest, i.e. every other pixel (official).
            if (i % 2 == 0) m = Config.Variant == PHNetVariant.Official ? m.slice(2, 0, m.shape[2], 2).slice(3, 0, m.shape[3], 2) : nn.functional.avg_pool2d(m, 2);
            features.Add(x);
            masks.Add(m);
        }

        x = SE_block.forward(x, auxiliary);
        for (int i = 0; i < 6; i++)
        {
            var skipFeature = features[5 - i];
            if (i >= normalizedFrom) skipFeature = normalizers[i - normalizedFrom].forward(skipFeature, masks[5 - i]);
            x = skip[i].forward(cat(new[] { x, skipFeature }, 1));
            x = decoder[i].forward(x);
        }
        var output = Config.Output == PHNetOutput.Residual ? image.Plus(x) : x.sigmoid();
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Network image blended with the mask: <c>out = net·m + image·(1 − m)</c>, shapes as <see cref="forward"/>.</summary>
    public Tensor Harmonize(Tensor image, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var raw = forward(image, mask);
        return (raw * mask).Plus(image * mask.OneMinus()).MoveToOuterDisposeScope();
    }
}

/// <summary>An official skip block: <c>relu(rconv(x))</c>, its conv named <c>rconv</c> as in the official state dict.</summary>
internal sealed class SkipFusion : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // named as in the PyTorch state dict
    readonly nn.Module<Tensor, Tensor> rconv;
#pragma warning restore IDE1006

    public SkipFusion(nn.Module<Tensor, Tensor> conv) : base("SkipBlock")
    {
        rconv = conv;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => nn.functional.relu(rconv.forward(x));
}
