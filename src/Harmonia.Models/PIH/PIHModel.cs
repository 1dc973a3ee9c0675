using Harmonia.Core.Errors;
using Harmonia.Models.Backbones;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.PIH;

/// <summary>
/// The curve head (official <c>PL</c>, a ResNet-50 with a 3·K sigmoid classifier there): an MLP over the frozen
/// encoder's features of the foreground crop and the background, <c>fc1</c> (features → hidden, ReLU) and
/// <c>fc2</c> (hidden → 3·K); sigmoid nodes.
/// </summary>
public sealed class CurveNet : nn.Module<Tensor, Tensor>
{
    readonly Linear fc1;
    readonly Linear fc2;

    /// <summary>features → 3·<paramref name="nodes"/> raw values.</summary>
    public CurveNet(long features, long hidden, int nodes) : base(nameof(CurveNet))
    {
        fc1 = nn.Linear(features, hidden);
        fc2 = nn.Linear(hidden, 3L * nodes);
        RegisterComponents();
    }

    /// <summary>(N, features) → (N, 3·K) raw (before the sigmoid).</summary>
    public override Tensor forward(Tensor x)
    {
        using var h = nn.functional.relu(fc1.forward(x));
        return fc2.forward(h);
    }

    /// <summary>Starts every curve at the identity: fc2 nearly zero, biases logit((k + 0.5)/K) so sigmoid gives the identity nodes.</summary>
    public void InitializeIdentity(int nodes)
    {
        using var _ = torch.no_grad();
        fc2.weight!.mul_(TorchScalars.Of(0.01));
        var bias = new float[3 * nodes];
        for (int i = 0; i < bias.Length; i++)
        {
            double y = (i % nodes + 0.5) / nodes;
            bias[i] = (float)Math.Log(y / (1 - y));
        }
        fc2.bias!.copy_(torch.tensor(bias));
    }
}

/// <summary>
/// The small U-Net of PIH's gain net and of its discriminator, after the official <c>UNet_mask</c> and
/// <c>UNetDiscriminatorSN</c> (field names <c>conv0</c>…<c>conv9</c>): a 3×3 convolution, three 4×4 stride-2
/// convolutions down (×2 channels each), three bilinear upsamplings each followed by a 3×3 convolution and an
/// additive skip, one more 3×3 and the 3×3 output convolution. ReLU (or leaky ReLU) throughout; no BatchNorm (the
/// official gain net has it; at batch 8 on CPU with two streams of different statistics it only adds a train/eval
/// gap). Input (N, in, G, G), G a multiple of 8; output (N, out, G, G) raw.
/// </summary>
public sealed class SkipUNet : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv0, conv1, conv2, conv3, conv4, conv5, conv6, conv7, conv9;
    readonly double leak;

    /// <summary>Makes the inner layers conv1..conv7 (in, out, kernel, stride, padding); conv0 and conv9 are plain convolutions.</summary>
    public delegate nn.Module<Tensor, Tensor> LayerFactory(long inChannels, long outChannels, long kernel, long stride, long padding);

    /// <summary>Creates the U-Net with <paramref name="c"/> channels at the first level.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="c">Channels at full resolution.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="inner">Factory of conv1..conv7 (default: plain convolutions with bias).</param>
    /// <param name="leak">Negative slope of the activation (0 = ReLU).</param>
    public SkipUNet(int inChannels, int c, int outChannels, LayerFactory? inner = null, double leak = 0) : base(nameof(SkipUNet))
    {
        inner ??= (i, o, k, s, p) => nn.Conv2d(i, o, k, stride: s, padding: p);
        this.leak = leak;
        conv0 = nn.Conv2d(inChannels, c, 3, padding: 1);
        conv1 = inner(c, 2 * c, 4, 2, 1);
        conv2 = inner(2 * c, 4 * c, 4, 2, 1);
        conv3 = inner(4 * c, 8 * c, 4, 2, 1);
        conv4 = inner(8 * c, 4 * c, 3, 1, 1);
        conv5 = inner(4 * c, 2 * c, 3, 1, 1);
        conv6 = inner(2 * c, c, 3, 1, 1);
        conv7 = inner(c, c, 3, 1, 1);
        conv9 = nn.Conv2d(c, outChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var x0 = Act(conv0.forward(x));
        var x1 = Act(conv1.forward(x0));
        var x2 = Act(conv2.forward(x1));
        var x3 = Act(conv3.forward(x2));
        var u2 = Act(conv4.forward(Up(x3, x2))).Plus(x2);
        var u1 = Act(conv5.forward(Up(u2, x1))).Plus(x1);
        var u0 = Act(conv6.forward(Up(u1, x0))).Plus(x0);
        var y = conv9.forward(Act(conv7.forward(u0)));
        return y.MoveToOuterDisposeScope();
    }

    Tensor Act(Tensor t) => leak == 0 ? nn.functional.relu(t) : nn.functional.leaky_relu(t, leak);

    static Tensor Up(Tensor x, Tensor like) =>
        nn.functional.interpolate(x, [like.shape[2], like.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <summary>Output layer scaled toward 0 with the given bias: the net starts at a constant output.</summary>
    public void InitializeOutput(double bias)
    {
        using var _ = torch.no_grad();
        var output = (Conv2d)conv9;
        output.weight!.mul_(TorchScalars.Of(0.01));
        output.bias!.fill_(TorchScalars.Of(bias));
    }
}

/// <summary>
/// PIH (Wang, Gharbi, Zhang, Xia, Shechtman, "Semi-supervised Parametric Real-world Image Harmonization", CVPR 2023),
/// sized for a CPU. Two parts, as the paper and the official <c>Model_Composite_PL</c> (masking, piecewise-linear):
/// <list type="number">
/// <item><b>Curves</b> (paper: "color curves"; official <c>PL</c> + <c>PL3D</c>): 3 × K = 32 sigmoid nodes, applied
/// per channel with the official interpolation (<see cref="PIHCurves"/>); at full resolution an exact 8-bit table.
/// <i>Differs:</i> the official curve net is a ResNet-50 trained from scratch on the 7-channel stack (composite,
/// background, mask); here the packaged ImageNet ResNet-18 (<see cref="ResNet18"/>, frozen, not in the state dict)
/// encodes the fg crop and the bg separately through S²CRNet's input path (<see cref="S2CRNetInputs"/>: the mask is
/// applied to both), its four pooled stages plus <see cref="ColorStatistics"/> of each go to a small MLP
/// (<see cref="CurveNet"/>). Why: a pretrained 3-channel encoder cannot take the 7-channel stack, and a from-scratch
/// ResNet-50 cannot be trained on this CPU.</item>
/// <item><b>Shading map</b> (paper: "local shading"; official <c>gainnet</c>, a <c>UNet_mask</c>): sees the composite,
/// the background (composite·(1 − mask)), the mask and the curve result (10 channels, as the official
/// <c>input_final</c>), here at G² = 64² for the whole image; outputs one channel, gain = offset + (1 − offset)·sigmoid,
/// offset 0.5 (official training default; the official inference remaps a 0.6-offset model to a user range, which
/// Harmonia's <c>shading</c> strength replaces, so one offset serves both). At full resolution the gain grid is
/// upsampled bicubically (<see cref="Core.Rendering.LutGainMap"/>, the same kernel as training's
/// <c>interpolate(bicubic)</c>) and multiplies the curve result under the mask, as the official
/// <c>pl_composite · gain · mask + (1 − mask) · background</c>. <i>Differs:</i> a 64² grid and 16 channels instead of
/// the official 512² and 32 (CPU), no BatchNorm (see <see cref="SkipUNet"/>).</item>
/// </list>
/// The free-pixel ablation (<see cref="PIHConfig.FreePixel"/>) replaces both by a 3-channel residual from the same
/// U-Net, for the paper's claim that the parametric model keeps adversarial training stable.
/// </summary>
public sealed class PIHModel : nn.Module
{
    readonly CurveNet PL;
    readonly SkipUNet gainnet;
    readonly FrozenEncoder encoder;

    /// <summary>The configuration.</summary>
    public PIHConfig Config { get; }

    /// <summary>Width of one image's features: ResNet-18's four pooled stages and the colour statistics.</summary>
    public static int FeatureWidth => ResNet18.StageChannels.Sum() + ColorStatistics.Width;

    /// <summary>Gain-net input channels: composite, background, mask, curve result.</summary>
    public const int GainInputs = 10;

    /// <summary>
    /// Builds the model with fresh heads (curves at the identity, gain near 1) and the packaged ImageNet ResNet-18
    /// (from <paramref name="encoderOnnx"/>, default the restored <c>ResNet18.onnx</c>).
    /// </summary>
    /// <param name="config">The configuration.</param>
    /// <param name="encoderOnnx">The encoder's ONNX file; default the restored one.</param>
    /// <param name="encoderDevice">
    /// Where the encoder's layers are built before the ONNX fills them: default the CPU with PyTorch's random
    /// initialisation (which draws from the random generator, so a training run's later draws stay as they were);
    /// the meta device skips it (a model whose weights are loaded right after: start-up).
    /// </param>
    public PIHModel(PIHConfig config, string? encoderOnnx = null, Device? encoderDevice = null) : base(nameof(PIHModel))
    {
        Config = config;
        PL = new CurveNet(2L * FeatureWidth, config.Hidden, config.Nodes);
        gainnet = new SkipUNet(GainInputs, config.GainChannels, config.FreePixel ? 3 : 1);
        PL.InitializeIdentity(config.Nodes);
        // Gain starts near 1 (sigmoid(3) = 0.95: gain 0.976 at offset 0.5); the free residual starts at 0.
        gainnet.InitializeOutput(config.FreePixel ? 0 : 3);
        encoder = new FrozenEncoder(encoderOnnx, encoderDevice);
        RegisterComponents();
    }

    /// <summary>The parameters training updates (the encoder is frozen and not part of the state dict).</summary>
    public IEnumerable<Parameter> TrainableParameters() => PL.parameters().Concat(gainnet.parameters());

    /// <summary>The frozen encoder's features: (M, 3, S, S) in [0, 1] → (M, <see cref="FeatureWidth"/>), no gradient.</summary>
    public Tensor Features(Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var pooled = encoder.Net.Pooled(images).Stages;
        return torch.cat([.. pooled, ColorStatistics.Compute(images)], 1).MoveToOuterDisposeScope();
    }

    /// <summary>fg, bg: (N, 3, S, S) from <see cref="S2CRNetInputs"/> → curve nodes (N, 3, K) in (0, 1).</summary>
    public Tensor CurveNodes(Tensor fg, Tensor bg)
    {
        using var scope = NewDisposeScope();
        long n = fg.shape[0];
        var features = Features(torch.cat([fg, bg], 0));
        var joint = torch.cat([features.narrow(0, 0, n), features.narrow(0, n, n)], 1);
        return PL.forward(joint).sigmoid().view(n, 3, Config.Nodes).MoveToOuterDisposeScope();
    }

    /// <summary>The 10-channel gain-net input: composite, composite·(1 − m), m, curved·m + composite·(1 − m).</summary>
    static Tensor GainInput(Tensor composite, Tensor mask, Tensor curved)
    {
        using var scope = NewDisposeScope();
        var outside = mask.OneMinus();
        var background = composite * outside;
        var curveComposite = (curved * mask).Plus(background);
        return torch.cat([composite, background, mask, curveComposite], 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// composite: (N, 3, G, G) whole-image thumbnail in [0, 1]; mask: (N, 1, G, G); nodes: (N, 3, K). Returns the gain
    /// grid (N, 1, G, G) in [offset, 1].
    /// </summary>
    public Tensor Gain(Tensor composite, Tensor mask, Tensor nodes)
    {
        if (Config.FreePixel) throw new InvalidOperationException("A free-pixel model has no gain map.");
        using var scope = NewDisposeScope();
        var input = GainInput(composite, mask, PIHCurves.Apply(composite, nodes));
        double offset = Config.GainOffset;
        var gain = gainnet.forward(input).sigmoid().mul(TorchScalars.Of(1 - offset)).Plus(offset);
        return gain.MoveToOuterDisposeScope();
    }

    /// <summary>Free-pixel ablation: composite, mask at any size → an RGB residual (N, 3, H, W), unconstrained.</summary>
    public Tensor FreeResidual(Tensor composite, Tensor mask)
    {
        if (!Config.FreePixel) throw new InvalidOperationException("Only a free-pixel model predicts a residual.");
        using var scope = NewDisposeScope();
        return gainnet.forward(GainInput(composite, mask, composite)).MoveToOuterDisposeScope();
    }

    /// <summary>Upsamples a gain grid (N, 1, g, g) to (N, 1, H, W) with PyTorch's bicubic (the renderer's kernel).</summary>
    public static Tensor UpsampleGain(Tensor gain, long height, long width) =>
        nn.functional.interpolate(gain, [height, width], mode: InterpolationMode.Bicubic, align_corners: false);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) encoder.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The frozen ImageNet encoder, kept out of the module tree so it is neither trained nor saved.</summary>
    sealed class FrozenEncoder : IDisposable
    {
        public ResNet18 Net { get; }

        public FrozenEncoder(string? onnx, Device? device)
        {
            var path = onnx ?? ResNet18OnnxInit.DefaultPath()
                ?? throw new HarmoniaException("the ImageNet ResNet-18 encoder (ResNet18.onnx from the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1) was not found beside the program or in the NuGet cache; run 'dotnet restore' or set HARMONIA_RESNET18_ONNX.");
            Net = new ResNet18(device: device);
            try { ResNet18OnnxInit.Load(Net, path); }
            catch
            {
                Net.Dispose();
                throw;
            }
            foreach (var p in Net.parameters()) p.requires_grad = false;
            Net.eval();
        }

        public void Dispose() => Net.Dispose();
    }
}
