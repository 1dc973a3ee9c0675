using Harmonia.Models.Runtime;
using Harmonia.Training.Optimization;
using Harmonia.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Optimizers;

public class LionTests
{
    [Fact]
    public void Two_lion_steps_match_hand_computation()
    {
        TorchRuntime.EnsureAvailable();
        var p = new Parameter(tensor(new[] { 1.0f, -2.0f, 0.5f, 0.0f }));
        double lr = 0.1, wd = 0.5, b1 = 0.9, b2 = 0.99;
        using var lion = new Lion([p], lr, b1, b2, wd);
        float[] g1 = { 0.3f, -0.2f, 0.0f, -1.0f }, g2 = { -0.5f, 0.1f, 0.2f, 0.05f };

        double[] expected = { 1.0, -2.0, 0.5, 0.0 }, mom = new double[4];
        foreach (var g in new[] { g1, g2 })
        {
            p.grad = tensor(g);
            lion.step();
            for (int i = 0; i < 4; i++)
            {
                expected[i] *= 1 - lr * wd;
                expected[i] -= lr * Math.Sign(b1 * mom[i] + (1 - b1) * g[i]);
                mom[i] = b2 * mom[i] + (1 - b2) * g[i];
            }
            var actual = p.data<float>().ToArray();
            for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
        }
        // Hand values of the first step for the record: p0 = 1·0.95 − 0.1·sign(0.03) = 0.85; p3 = 0 − 0.1·sign(−0.1) = 0.1.
        // After step 2: p3 = 0.1·0.95 − 0.1·sign(0.9·(−0.01) + 0.1·0.05 = −0.004) = 0.195.
        Assert.Equal(0.195, p.data<float>()[3], 5);
    }

    [Fact]
    public void Registry_creates_lion_by_name()
    {
        TorchRuntime.EnsureAvailable();
        var p = new Parameter(zeros(2));
        using var o = OptimizerRegistry.CreateDefault().Create("lion", [p], new OptimizerSettings(1e-4, 0, 0.9, 0.99));
        Assert.IsType<Lion>(o);
    }
}
