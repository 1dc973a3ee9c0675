using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void TorchSharp_loads_and_runs_conv_forward_and_backward()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        var x = randn(2, 3, 8, 8, requires_grad: true);
        using var conv = nn.Conv2d(3, 4, 3, padding: 1);
        var y = conv.forward(x);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, y.shape);
        var loss = y.square().mean();
        loss.backward();
        Assert.NotNull(x.grad);
        Assert.True(x.grad!.abs().sum().item<float>() > 0f);
        Assert.NotNull(conv.weight!.grad);
        // d(mean(y^2))/dbias = mean over the other axes of 2y: check against the tensor computation.
        var expected = (2 * y.detach()).sum(new long[] { 0, 2, 3 }) / y.numel() ;
        Assert.True(torch.allclose(conv.bias!.grad!, expected, rtol: 1e-4, atol: 1e-6));
    }
}
