using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// An S²AM block (Cun &amp; Pun, "Improving the Harmonization of the Composite Image by Spatial-Separated Attention
/// Module", the variant with the given mask as its spatial separation): three channel attentions over the whole
/// feature map, one for the foreground part that must change (followed by a 3x3 convolution, its "translation"),
/// one for the foreground part that is kept (<c>mix</c>) and one for the background:
/// <c>out = M·(T(A_fg(x)) + A_mix(x)) + (1 − M)·A_bg(x)</c>, where <c>A(x) = x·sigmoid(mlp(avgpool x) + mlp(maxpool x))</c>.
/// x (N, C, h, w), mask (N, 1, h, w) in [0, 1] → (N, C, h, w).
/// </summary>
public sealed class SpatialSeparatedAttention : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly ChannelAttention foreground, mix, background;
    readonly nn.Module<Tensor, Tensor> translate;
#pragma warning restore IDE1006

    /// <summary>Builds the block for <paramref name="channels"/> channels (attention MLP reduced by <paramref name="reduction"/>).</summary>
    public SpatialSeparatedAttention(long channels, int reduction = 4) : base("S2AM")
    {
        foreground = new ChannelAttention(channels, reduction);
        mix = new ChannelAttention(channels, reduction);
        background = new ChannelAttention(channels, reduction);
        translate = ContrastiveModel.Conv3x3(channels, channels);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var changed = translate.forward(foreground.forward(x)).Plus(mix.forward(x));
        return (changed * mask).Plus(background.forward(x) * mask.OneMinus()).MoveToOuterDisposeScope();
    }
}

/// <summary>Channel attention (CBAM style): <c>x·sigmoid(fc2(relu(fc1(avg))) + fc2(relu(fc1(max))))</c>, pooled over the whole map.</summary>
internal sealed class ChannelAttention : nn.Module<Tensor, Tensor>
{
    readonly Conv2d fc1, fc2;

    public ChannelAttention(long channels, int reduction) : base(nameof(ChannelAttention))
    {
        long hidden = Math.Max(1, channels / reduction);
        fc1 = nn.Conv2d(channels, hidden, 1);
        fc2 = nn.Conv2d(hidden, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var average = x.mean(new long[] { 2, 3 }, keepdim: true);
        var maximum = x.amax(new long[] { 2, 3 }, keepdim: true);
        var weights = fc2.forward(nn.functional.relu(fc1.forward(average))).Plus(fc2.forward(nn.functional.relu(fc1.forward(maximum)))).sigmoid();
        return (x * weights).MoveToOuterDisposeScope();
    }
}
