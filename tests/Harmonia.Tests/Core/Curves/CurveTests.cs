using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Curves;

public class CurveTests
{
    static readonly float[] P = [1f, 2f, 3f, 4f]; // L = 4, Σp = 10, so ψ(x) = 0.4 · Σ p_i clamp(x − i/4, 0, 1/4)

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.04)]      // 1·0.1·0.4
    [InlineData(0.25, 0.1)]      // 1·0.25·0.4
    [InlineData(0.5, 0.3)]       // (1 + 2)·0.25·0.4
    [InlineData(0.625, 0.45)]    // (0.75 + 3·0.125)·0.4
    [InlineData(1.0, 1.0)]
    [InlineData(1.5, 1.0)]       // flat beyond 1
    [InlineData(-0.2, 0.0)]
    public void Curve_matches_hand_computed_values(double x, double expected) =>
        Assert.Equal(expected, PiecewiseCurve.Evaluate(P, x), 9);

    [Fact]
    public void Curve_is_monotone_for_nonnegative_parameters_and_identity_for_equal_ones()
    {
        var rng = new Random(5);
        var p = Enumerable.Range(0, 64).Select(i => i % 7 == 0 ? 0f : (float)rng.NextDouble() * 3f).ToArray();
        double previous = -1;
        for (int v = 0; v <= 1000; v++)
        {
            double y = PiecewiseCurve.Evaluate(p, v / 1000.0);
            Assert.True(y >= previous - 1e-12, $"not monotone at {v}");
            previous = y;
        }
        Assert.Equal(1.0, previous, 6);
        var equal = Enumerable.Repeat(0.3f, 64).ToArray();
        for (int v = 0; v < 256; v++) Assert.Equal(v / 255.0, PiecewiseCurve.Evaluate(equal, v / 255.0), 6);
    }

    [Fact]
    public void Lut_is_the_rounded_cascade_and_strength_zero_is_identity()
    {
        var parameters = new float[2 * 3 * 4];
        for (int i = 0; i < parameters.Length; i++) parameters[i] = 1 + (i * 7 % 5);
        var set = new CurveSet(2, 4, parameters);
        var lut = set.ToLut();
        for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++)
            {
                double inner = PiecewiseCurve.Evaluate(set.Curve(0, c), v / 255.0);
                double outer = PiecewiseCurve.Evaluate(set.Curve(1, c), inner);
                Assert.Equal((byte)Math.Round(outer * 255, MidpointRounding.AwayFromZero), lut[c, v]);
            }
        var none = set.ToLut(0f);
        for (int v = 0; v < 256; v++) Assert.Equal(v, none[1, v]);
        var half = set.ToLut(0.5f);
        Assert.InRange(half[0, 100] - (100 + lut[0, 100]) / 2.0, -1, 1);
    }

    [Fact]
    public void Json_round_trips_parameters_and_rejects_missing_curves()
    {
        var parameters = Enumerable.Range(0, 2 * 3 * 8).Select(i => 0.5f + i).ToArray();
        var set = new CurveSet(2, 8, parameters);
        var json = CurveJson.Serialize(set);
        Assert.Contains("\"sampled_256\"", json);
        var back = CurveJson.Deserialize(json);
        Assert.Equal(2, back.Stages);
        Assert.Equal(8, back.Levels);
        Assert.Equal(parameters, back.Parameters);
        var broken = json.Replace("\"channel\": \"B\"", "\"channel\": \"R\"");
        Assert.Throws<Harmonia.Core.Errors.HarmoniaException>(() => CurveJson.Deserialize(broken));
    }

    [Fact]
    public void Rendering_with_a_lut_keeps_the_background_bit_identical()
    {
        var image = TestImages.Gradient(37, 23);
        var mask = TestImages.Ellipse(37, 23);
        var p = Enumerable.Range(0, 3 * 16).Select(i => (float)(1 + i % 4)).ToArray();
        var lut = new CurveSet(1, 16, p).ToLut();
        var result = ForegroundRenderer.Render(image, mask, lut);
        int changed = 0;
        for (int i = 0; i < image.PixelCount; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                byte src = image.Pixels[3 * i + c], dst = result.Pixels[3 * i + c];
                if (mask.Alpha[i] <= 0f) Assert.Equal(src, dst);
                else if (mask.Alpha[i] >= 1f) Assert.Equal(lut[c, src], dst);
                if (src != dst) changed++;
            }
        }
        Assert.True(changed > 0);
    }

    [Fact]
    public void Thumbnail_box_reduction_averages_blocks()
    {
        var image = new RgbImage(8, 4);
        for (int i = 0; i < image.PixelCount; i++) image.Pixels[3 * i] = (byte)(i % 8 < 4 ? 10 : 30);
        // factor = min(8, 4) / (2·1) = 2 → 4 x 2, then resized to 1 x 1: mean of 10 and 30 = 20.
        var thumb = Thumbnail.Rgb(image, (0, 0, 8, 4), 1);
        Assert.Equal(20, thumb.Pixels[0]);
        var left = Thumbnail.Rgb(image, (0, 0, 4, 4), 2);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(10, left.Pixels[3 * i]));
    }
}
