using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Models.Cascade;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Models.Cascade;

/// <summary>The <c>cascade</c> method: s2crnet's curves, then phnet on their result, as one registered method.</summary>
public sealed class CascadeMethodTests
{
    [Fact]
    public void The_cascade_equals_s2crnet_then_phnet_inside_a_hard_mask()
    {
        TorchRuntime.EnsureAvailable();
        const int w = 120, h = 90;
        var real = TestImages.Gradient(w, h, seed: 11);
        var mask = TestImages.HardEllipse(w, h);
        var composite = TestImages.ShiftForeground(real, mask, -40, 10, 35);
        var registry = MethodCatalog.CreateDefault();
        // The shipped phnet weights as the second stage, so the test needs only what the build copies.
        var phnetWeights = MethodSettings.Empty.With("model", PHNetMethod.DefaultModelPath);
        using var cascade = (ChainedHarmonizer)registry.Create(CascadeMethod.Name, phnetWeights);
        var s2crnet = registry.Create("s2crnet");
        var phnet = registry.Create("phnet", phnetWeights);
        try
        {
            // s2crnet at the cascade's curve strength, as --strength does it.
            var curves = s2crnet.Harmonize(composite, mask, (float)CascadeMethod.DefaultCurvesStrength);
            var expected = phnet.Harmonize(curves, mask);
            var actual = cascade.Harmonize(composite, mask);
            Assert.True(actual.ContentEquals(expected));
            // Both stages change the foreground, so the equality above could fail.
            Assert.False(curves.ContentEquals(composite));
            Assert.False(expected.ContentEquals(curves));
            ImageAssert.BackgroundUnchanged(composite, actual, mask);
        }
        finally
        {
            (s2crnet as IDisposable)?.Dispose();
            (phnet as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void The_cascade_is_parametric_so_video_can_smooth_it()
    {
        TorchRuntime.EnsureAvailable();
        const int w = 96, h = 72;
        var mask = TestImages.Ellipse(w, h);
        var a = TestImages.ShiftForeground(TestImages.Gradient(w, h, seed: 2), mask, 30, -20, 0);
        var b = TestImages.ShiftForeground(TestImages.Gradient(w, h, seed: 2), mask, -30, 0, 25);
        using var cascade = (ChainedHarmonizer)MethodCatalog.CreateDefault().Create(CascadeMethod.Name);
        var parametric = Assert.IsAssignableFrom<IParametricHarmonizer>(cascade);
        var pa = parametric.Predict(a, mask);
        Assert.Equal("chain(curves,local-affine)", pa.Kind);
        // The parameters render what Fit renders.
        Assert.True(pa.Render(a, mask).ContentEquals(cascade.Harmonize(a, mask)));
        // Interpolating toward another frame's parameters: t = 0 is this frame's, t = 1 the other's.
        var pb = parametric.Predict(b, mask);
        Assert.True(pa.Interpolate(pb, 0f).Render(a, mask).ContentEquals(pa.Render(a, mask)));
        Assert.True(pa.Interpolate(pb, 1f).Render(a, mask).ContentEquals(pb.Render(a, mask)));
        Assert.False(pa.Render(a, mask).ContentEquals(pb.Render(a, mask)));
        var json = System.Text.Json.Nodes.JsonNode.Parse(pa.ToJson())!;
        Assert.Equal("chain", (string?)json["kind"]);
        Assert.Equal((float)CascadeMethod.DefaultCurvesStrength, (float)json["first_strength"]!);
    }

    [Fact]
    public void Missing_second_stage_weights_are_one_clear_error()
    {
        var e = Assert.Throws<HarmoniaException>(() =>
            MethodCatalog.CreateDefault().Create(CascadeMethod.Name, MethodSettings.Empty.With("model", "/no/such/phnet.safetensors")));
        Assert.Contains("/no/such/phnet.safetensors", e.Message);
        var usage = Assert.Throws<UsageException>(() =>
            MethodCatalog.CreateDefault().Create(CascadeMethod.Name, MethodSettings.Empty.With("label", "person")));
        Assert.Contains("curves-model", usage.Message);
    }
}
