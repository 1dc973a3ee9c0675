using Harmonia.Models.Runtime;
using Harmonia.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.Runtime;

public class OptimizerStateBytesTests
{
    [Fact]
    public void Bytes_equal_TorchSharps_file_format_and_round_trip()
    {
        TorchRuntime.EnsureAvailable();
        manual_seed(3);
        var weight = new Parameter(randn(16));
        using var optimizer = new ScalarSafeAdamW([weight], 1e-2, weightDecay: 1e-2);
        for (int i = 0; i < 3; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            weight.Squared().sum().backward();
            optimizer.step();
        }
        var bytes = OptimizerStateBytes.Save(optimizer);

        // The in-memory bytes are what save_state_dict(path) writes, so checkpoints written through a file still load.
        var file = Path.Combine(Path.GetTempPath(), $"harmonia-optimizer-{Guid.NewGuid():N}.bin");
        try
        {
            optimizer.save_state_dict(file);
            Assert.Equal(File.ReadAllBytes(file), bytes);
        }
        finally
        {
            File.Delete(file);
        }

        var other = new Parameter(weight.detach().clone());
        using var restored = new ScalarSafeAdamW([other], 1e-2, weightDecay: 1e-2);
        Assert.NotEqual(bytes, OptimizerStateBytes.Save(restored));
        OptimizerStateBytes.Load(restored, bytes);
        Assert.Equal(bytes, OptimizerStateBytes.Save(restored));
    }
}
