using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.CharmNet;

/// <summary>iDIH's <c>ConvBlock</c>: <c>block</c> = 4x4 stride-2 convolution (padding 1), BatchNorm (or none), ELU. Halves H and W.</summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly Sequential block;
#pragma warning restore IDE1006

    /// <summary>A block from <paramref name="input"/> to <paramref name="output"/> channels, with BatchNorm when <paramref name="batchNorm"/>.</summary>
    public ConvBlock(long input, long output, bool batchNorm) : base(nameof(ConvBlock))
    {
        block = nn.Sequential(
            nn.Conv2d(input, output, 4, stride: 2, padding: 1),
            batchNorm ? new ScalarSafeBatchNorm2d(output) : (nn.Module<Tensor, Tensor>)nn.Identity(),
            new ScalarSafeElu());
        RegisterComponents();
    }

    /// <summary>(N, in, H, W) → (N, out, H/2, W/2).</summary>
    public override Tensor forward(Tensor x) => block.forward(x);
}

/// <summary>iDIH's <c>AttDeconvBlock</c> without attention (official <c>attend_from</c> = −1): <c>block</c> = 4x4 stride-2 transposed convolution, BatchNorm, ELU. Doubles H and W.</summary>
public sealed class DeconvBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly Sequential block;
#pragma warning restore IDE1006

    /// <summary>A block from <paramref name="input"/> to <paramref name="output"/> channels.</summary>
    public DeconvBlock(long input, long output) : base("AttDeconvBlock")
    {
        block = nn.Sequential(
            nn.ConvTranspose2d(input, output, 4, stride: 2, padding: 1),
            new ScalarSafeBatchNorm2d(output),
            new ScalarSafeElu());
        RegisterComponents();
    }

    /// <summary>(N, in, H, W) → (N, out, 2H, 2W).</summary>
    public override Tensor forward(Tensor x) => block.forward(x);
}

/// <summary>
/// A domain-specific encoder (official <c>ConvEncoder</c>, the first <c>unshared_layers</c> iDIH levels): <c>block0</c>,
/// <c>block1</c> (no BatchNorm: official <c>batchnorm_from</c> = 2), then <c>blocks_connected.block{i}</c>, the width doubling at
/// every even level. Input: image and mask, 4 channels.
/// </summary>
public sealed class DomainEncoder : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
#pragma warning disable IDE1006 // state-dict names
    readonly ConvBlock block0, block1;
    readonly ModuleDict<ConvBlock> blocks_connected;
#pragma warning restore IDE1006

    /// <summary>Channels of each level's output, shallowest first.</summary>
    public IReadOnlyList<long> Channels { get; }

    /// <summary>An encoder of <paramref name="depth"/> levels starting at <paramref name="width"/> channels.</summary>
    public DomainEncoder(int depth, long width) : base("ConvEncoder")
    {
        var channels = new List<long> { width, width };
        block0 = new ConvBlock(4, width, batchNorm: false);
        block1 = new ConvBlock(width, width, batchNorm: false);
        blocks_connected = new ModuleDict<ConvBlock>();
        long output = width;
        for (int i = 2; i < depth; i++)
        {
            long input = output;
            if (i % 2 == 0) output = Math.Min(2 * output, 512);
            blocks_connected.Add($"block{i}", new ConvBlock(input, output, batchNorm: true));
            channels.Add(output);
        }
        Channels = channels;
        RegisterComponents();
    }

    /// <summary>(N, 4, H, W) → every level's output, deepest first (official order), level i at H/2^(i+1).</summary>
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        var outputs = new List<Tensor> { block0.forward(input) };
        outputs.Add(block1.forward(outputs[^1]));
        using var blocks = blocks_connected.items();
        while (blocks.MoveNext()) outputs.Add(blocks.Current.Item2.forward(outputs[^1]));
        outputs.Reverse();
        return outputs;
    }
}

/// <summary>
/// A domain-specific decoder (official <c>DeconvDecoder</c> with <c>image_fusion</c>): <c>deconv_blocks</c> mirror the
/// domain encoder (each output plus the encoder's skip), the last one to the input resolution; then iDIH's blending
/// head: attention <c>a = σ(3·conv_attention(x))</c> and <c>out = a·image + (1 − a)·to_rgb(x)</c>.
/// </summary>
public sealed class DomainDecoder : nn.Module<Tensor, IReadOnlyList<Tensor>, Tensor, (Tensor Output, Tensor Attention)>
{
#pragma warning disable IDE1006 // state-dict names
    readonly ModuleList<DeconvBlock> deconv_blocks;
    readonly Conv2d conv_attention, to_rgb;
#pragma warning restore IDE1006

    /// <summary>A decoder for an encoder with the given level <paramref name="encoderChannels"/> (shallowest first).</summary>
    public DomainDecoder(IReadOnlyList<long> encoderChannels) : base("DeconvDecoder")
    {
        var pending = new Stack<long>(encoderChannels);
        long input = pending.Pop(), output = input;
        deconv_blocks = new ModuleList<DeconvBlock>();
        for (int d = 0; d < encoderChannels.Count; d++)
        {
            output = pending.Count > 0 ? pending.Pop() : input / 2;
            deconv_blocks.Add(new DeconvBlock(input, output));
            input = output;
        }
        conv_attention = nn.Conv2d(output, 1, 1);
        to_rgb = nn.Conv2d(output, 3, 1);
        RegisterComponents();
    }

    /// <summary>
    /// <paramref name="x"/>: the shared decoder's output at the deepest domain level; <paramref name="encoderOutputs"/>:
    /// the domain encoder's outputs, deepest first; <paramref name="image"/>: (N, 3, H, W). Returns the output image
    /// (N, 3, H, W), not clamped, and the blending attention (N, 1, H, W).
    /// </summary>
    public override (Tensor Output, Tensor Attention) forward(Tensor x, IReadOnlyList<Tensor> encoderOutputs, Tensor image)
    {
        for (int i = 0; i < deconv_blocks.Count - 1; i++) x = deconv_blocks[i].forward(x).Plus(encoderOutputs[i + 1]);
        x = deconv_blocks[^1].forward(x);
        var attention = sigmoid(conv_attention.forward(x).mul(TorchScalars.Of(3)));
        var output = (attention * image).Plus(attention.OneMinus() * to_rgb.forward(x));
        return (output, attention);
    }
}
