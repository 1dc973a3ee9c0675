using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;
using Harmonia.Video.Temporal;

namespace Harmonia.Tests.Video.Temporal;

/// <summary>The parameter EMA (time constant in seconds, any frame timing), the scene-cut detector and the flicker metric.</summary>
public sealed class TemporalTests
{
    /// <summary>Curves that map every input to <paramref name="value"/> (value in [0, 1]).</summary>
    static CurveParameters Constant(double value) => CurveParameters.FromTable(Enumerable.Repeat(value, 768).ToArray());

    /// <summary>Feeds identity at t = 0, then a step to constant-1 curves at the given times; returns the smoothed value at the end.</summary>
    static double StepResponse(double tau, IEnumerable<double> seconds)
    {
        var smoother = new ParameterSmoother(tau);
        smoother.Smooth(Constant(0), 0);
        var state = Constant(0);
        foreach (var t in seconds) state = (CurveParameters)smoother.Smooth(Constant(1), (long)(t * 1e9));
        return state[0, 128];
    }

    [Fact]
    public void Step_response_depends_on_seconds_not_on_frame_count()
    {
        double expected = 1 - Math.Exp(-1);   // after one time constant
        double at25 = StepResponse(1.0, Enumerable.Range(1, 25).Select(i => i / 25.0));
        double at10 = StepResponse(1.0, Enumerable.Range(1, 10).Select(i => i / 10.0));
        double irregular = StepResponse(1.0, [0.01, 0.05, 0.3, 0.31, 0.7, 1.0]);
        Assert.Equal(expected, at25, 5);
        Assert.Equal(expected, at10, 5);
        Assert.Equal(expected, irregular, 5);
    }

    [Fact]
    public void Zero_time_constant_and_reset_take_the_prediction_as_is()
    {
        var none = new ParameterSmoother(0);
        none.Smooth(Constant(0), 0);
        Assert.Equal(1.0, ((CurveParameters)none.Smooth(Constant(1), 40_000_000))[1, 7], 9);

        var smoother = new ParameterSmoother(10);
        smoother.Smooth(Constant(0), 0);
        Assert.True(((CurveParameters)smoother.Smooth(Constant(1), 40_000_000))[2, 200] < 0.01);
        smoother.Reset();
        Assert.Equal(1.0, ((CurveParameters)smoother.Smooth(Constant(1), 80_000_000))[2, 200], 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParameterSmoother(-1));
    }

    [Fact]
    public void Scene_cuts_come_from_the_background_only()
    {
        var mask = TestImages.Ellipse(96, 64);
        var frame = TestImages.Gradient(96, 64, seed: 1);
        var detector = new SceneCutDetector(SceneCutDetector.DefaultThreshold);
        Assert.False(detector.IsCut(frame, mask));                                    // first frame
        Assert.False(detector.IsCut(TestImages.Gradient(96, 64, seed: 2), mask));      // same scene, new noise
        Assert.True(detector.LastDistance < 0.2, $"noise distance {detector.LastDistance}");
        Assert.False(detector.IsCut(TestImages.ShiftForeground(frame, mask, 120, -90, 60), mask));   // only the foreground changed
        Assert.True(detector.LastDistance < 0.2, $"foreground-only distance {detector.LastDistance}");
        var other = new RgbImage(96, 64);
        for (int i = 0; i < other.Pixels.Length; i += 3) { other.Pixels[i] = 20; other.Pixels[i + 1] = 200; other.Pixels[i + 2] = 240; }
        Assert.True(detector.IsCut(other, mask));
        Assert.True(detector.LastDistance > 0.9, $"cut distance {detector.LastDistance}");
    }

    [Fact]
    public void Flicker_is_the_mean_change_of_the_foreground_mean_colour()
    {
        var mask = TestImages.Ellipse(64, 48);
        var baseImage = TestImages.Gradient(64, 48);
        var meter = new FlickerMeter();
        var withinBounds = new FlickerMeter();
        var bounds = mask.ForegroundBounds();
        // Input foreground alternates by +30 levels in R; output stays fixed.
        for (int f = 0; f < 5; f++)
        {
            var input = f % 2 == 0 ? baseImage : TestImages.ShiftForeground(baseImage, mask, 30, 0, 0);
            meter.Add(input, baseImage, mask, newShot: false);
            withinBounds.Add(input, baseImage, mask, newShot: false, bounds);
        }
        var report = meter.Report();
        Assert.Equal(4, report.Pairs);
        Assert.InRange(report.Input, 9.0, 10.0);   // |ΔR| ≈ 30 (clamping aside), averaged over 3 channels
        Assert.Equal(0, report.Output, 9);
        // Reading only the foreground's bounding box (what the video pipeline does) measures the same.
        Assert.True(bounds is { Width: < 64 } or { Height: < 48 }, "the ellipse should not fill the frame");
        Assert.Equal(report, withinBounds.Report());
    }
}
