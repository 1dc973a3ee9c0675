using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

public class ScalarSafeBatchNorm2dTests
{
    [Fact]
    public void Equals_torch_batch_norm_in_training_and_evaluation_with_the_same_state_dict()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var reference = nn.BatchNorm2d(6);
        using var safe = new ScalarSafeBatchNorm2d(6);
        Assert.Equal(reference.state_dict().Keys.Order(), safe.state_dict().Keys.Order());
        using (no_grad())
        {
            reference.weight!.copy_(rand(6));
            reference.bias!.copy_(rand(6));
        }
        safe.load_state_dict(reference.state_dict());
        reference.train();
        safe.train();
        for (int i = 0; i < 3; i++)
        {
            var x = randn(4, 6, 5, 7).mul(TorchScalars.Of(2)).Plus(1);
            Assert.True(reference.forward(x).allclose(safe.forward(x), 1e-5, 1e-6));
        }
        var states = (reference.state_dict(), safe.state_dict());
        foreach (var key in states.Item1.Keys) Assert.True(states.Item1[key].to_type(ScalarType.Float64).allclose(states.Item2[key].to_type(ScalarType.Float64), 1e-5, 1e-6), key);
        Assert.Equal(3, safe.state_dict()["num_batches_tracked"].item<long>());
        reference.eval();
        safe.eval();
        var y = randn(2, 6, 3, 3);
        Assert.True(reference.forward(y).allclose(safe.forward(y), 1e-5, 1e-6));
        Assert.Equal(3, safe.state_dict()["num_batches_tracked"].item<long>());
    }
}
