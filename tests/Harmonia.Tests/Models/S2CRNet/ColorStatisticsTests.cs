using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.S2CRNet;

public sealed class ColorStatisticsTests
{
    [Fact]
    public void Statistics_of_a_small_image_equal_a_hand_computation()
    {
        TorchRuntime.EnsureAvailable();
        // 2x2 image: three carried pixels and one zero pixel (outside the region, so it does not count).
        // R: 0.25, 0.5, 0.75, 0 ; G: 0.1, 0.1, 0.1, 0 ; B: 1, 0, 0.5, 0.
        float[] data = [0.25f, 0.5f, 0.75f, 0f, 0.1f, 0.1f, 0.1f, 0f, 1f, 0f, 0.5f, 0f];
        using var image = tensor(data, [1, 3, 2, 2]);
        using var stats = ColorStatistics.Compute(image);
        var v = stats.data<float>().ToArray();
        Assert.Equal(ColorStatistics.Width, v.Length);
        // Means over the 3 carried pixels.
        Assert.Equal(0.5, v[0], 5);
        Assert.Equal(0.1, v[1], 5);
        Assert.Equal(0.5, v[2], 5);
        // Population standard deviations: R sqrt(((0.25)^2 + 0 + 0.25^2)/3), G 0, B sqrt((0.25 + 0.25 + 0)/3).
        Assert.Equal(Math.Sqrt(0.125 / 3), v[3], 4);
        Assert.Equal(0.0, v[4], 3);
        Assert.Equal(Math.Sqrt(0.5 / 3), v[5], 4);
        // R histogram: triangular bins at (b + 0.5)/8. 0.25 sits between bins 1 (0.1875) and 2 (0.3125): 0.5 each;
        // 0.5 between bins 3 and 4: 0.5 each; 0.75 between 5 and 6. Each pixel weighs 1/3.
        var r = v.Skip(6).Take(8).ToArray();
        double[] expected = [0, 0.5 / 3, 0.5 / 3, 0.5 / 3, 0.5 / 3, 0.5 / 3, 0.5 / 3, 0];
        for (int b = 0; b < 8; b++) Assert.Equal(expected[b], r[b], 5);
        // Every channel's histogram sums to the carried fraction of its in-range mass (1 for values inside [1/16, 15/16]).
        Assert.Equal(1.0, r.Sum(), 5);
    }
}
