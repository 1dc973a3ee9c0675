using Harmonia.Core.Curves;

namespace Harmonia.Tests.Core.Curves;

public sealed class ControlPointCurveTests
{
    [Fact]
    public void Passes_through_its_points_stays_monotone_and_the_diagonal_is_the_identity()
    {
        var identity = ControlPointCurve.Sample256([(0, 0), (1, 1)]);
        for (int v = 0; v < 256; v++) Assert.Equal(v / 255.0, identity[v], 12);

        // A steep rise then a plateau: a plain cubic spline overshoots above 0.9 here; the monotone one may not.
        (double X, double Y)[] points = [(0, 0), (0.2, 0.1), (0.4, 0.9), (0.6, 0.9), (1, 1)];
        var table = ControlPointCurve.Sample256(points);
        for (int v = 1; v < 256; v++) Assert.True(table[v] >= table[v - 1] - 1e-12, $"dips at {v}");
        for (int v = 102; v <= 153; v++) Assert.InRange(table[v], 0.9 - 1e-12, 0.9 + 1e-12);
        Assert.Equal(0.1, table[51], 12);  // x = 51/255 = 0.2 exactly
        Assert.Throws<ArgumentException>(() => ControlPointCurve.Sample256([(0.5, 0.5)]));
        Assert.Throws<ArgumentException>(() => ControlPointCurve.Sample256([(0, 0), (0, 1)]));
    }
}
