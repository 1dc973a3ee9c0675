using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

public class BatchNormWarmUpTests
{
    [Fact]
    public void Finds_BatchNorm_layers_in_nested_models_only()
    {
        TorchRuntime.EnsureAvailable();
        using var withBn = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Sequential(nn.BatchNorm2d(4), nn.ReLU()));
        using var without = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU());
        Assert.True(BatchNormWarmUp.HasBatchNorm(withBn));
        Assert.False(BatchNormWarmUp.HasBatchNorm(without));
        using var phnet = new PHNetModel(PHNetConfig.Scaled(8, PHNetOutput.Residual));
        Assert.True(BatchNormWarmUp.HasBatchNorm(phnet));
        BatchNormWarmUp.EnsureFor(withBn);   // runs the warm-up once; must not throw
    }
}
