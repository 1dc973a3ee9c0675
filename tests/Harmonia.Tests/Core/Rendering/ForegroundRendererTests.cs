using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Methods.Classical;
using Harmonia.Core.Parallelism;
using Harmonia.Core.Rendering;
using Harmonia.Core.Transfer;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Rendering;

/// <summary>The one renderer and every kind of map: in place, strength inside the map, background bytes, mask checks in one place.</summary>
public sealed class ForegroundRendererTests
{
    // Large enough (> ParallelRows.SequentialBelowPixels) that rows run in parallel blocks.
    const int W = 520, H = 300;

    static readonly RgbImage Composite = TestImages.Gradient(W, H, seed: 3);
    static readonly Mask SoftMask = TestImages.Ellipse(W, H);

    /// <summary>One map of each kind, each changing the foreground visibly.</summary>
    public static TheoryData<string> Kinds => new() { "lut", "affine-field", "local-affine", "image-same-size", "image-resampled", "reinhard", "composed" };

    static IForegroundMap MapOf(string kind)
    {
        switch (kind)
        {
            case "lut":
                var table = new byte[768];
                for (int i = 0; i < 768; i++) table[i] = (byte)Math.Min(255, (i & 255) + 40);
                return new ColorTransformMap(new ChannelLut(table));
            case "affine-field":
                // 2 x 1 cells: darker on the left, brighter on the right.
                return new ChannelAffineFieldMap(2, 1, [0.8f, 0.8f, 0.8f, 0, 0, 0, 1.2f, 1.1f, 1f, 10, 0, -5]);
            case "local-affine":
                var lowW = W / 8; var lowH = H / 8;
                var low = Resize.Rgb(Composite, lowW, lowH).Pixels.Select(b => b / 255f).ToArray();
                var target = low.Select((v, i) => Math.Clamp(i % 3 == 0 ? v * 0.7f + 0.2f : v, 0f, 1f)).ToArray();
                return LocalAffineColorTransfer.Fit(low, target, Enumerable.Repeat(1f, lowW * lowH).ToArray(), lowW, lowH, cellSize: 4);
            case "image-same-size":
                return new ImageForegroundMap(TestImages.Gradient(W, H, seed: 9));
            case "image-resampled":
                return new ImageForegroundMap(TestImages.Gradient(W / 5, H / 5, seed: 9));
            case "composed":
                return new ComposedForegroundMap(MapOf("lut"), MapOf("affine-field"));
            default:
                return new ReinhardTransfer().Fit(Composite, SoftMask);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void In_place_equals_a_new_image_and_keeps_background_bytes(string kind)
    {
        var map = MapOf(kind);
        var fresh = ForegroundRenderer.Render(Composite, SoftMask, map);
        var inPlace = Composite.Clone();
        ForegroundRenderer.Render(inPlace, SoftMask, map, inPlace);
        Assert.True(fresh.ContentEquals(inPlace));
        int changed = 0;
        for (int i = 0; i < W * H; i++)
            for (int c = 0; c < 3; c++)
            {
                if (SoftMask.Alpha[i] == 0f) Assert.Equal(Composite.Pixels[3 * i + c], fresh.Pixels[3 * i + c]);
                else if (fresh.Pixels[3 * i + c] != Composite.Pixels[3 * i + c]) changed++;
            }
        Assert.True(changed > W * H / 20, $"only {changed} foreground bytes changed");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Strength_zero_is_the_composite_and_half_lies_between(string kind)
    {
        var map = MapOf(kind);
        Assert.Same(map, map.AtStrength(1f));
        Assert.True(ForegroundRenderer.Render(Composite, SoftMask, map.AtStrength(0f)).ContentEquals(Composite));
        var full = ForegroundRenderer.Render(Composite, SoftMask, map);
        var half = ForegroundRenderer.Render(Composite, SoftMask, map.AtStrength(0.5f));
        // Where the full map moves a byte by d, half strength moves it by about d/2 (rounding and clipping aside).
        for (int i = 0; i < Composite.Pixels.Length; i++)
        {
            int d = full.Pixels[i] - Composite.Pixels[i], h = half.Pixels[i] - Composite.Pixels[i];
            Assert.InRange(h, Math.Min(0, d) - 1, Math.Max(0, d) + 1);
            if (Math.Abs(d) >= 8 && kind != "local-affine") Assert.InRange(h, d / 2.0 - 1.5, d / 2.0 + 1.5);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => map.AtStrength(1.5f));
    }

    [Fact]
    public void A_composed_map_applies_the_second_map_to_the_first_ones_colours()
    {
        // Hard mask: the renderer copies the map's colours, so composing equals rendering twice, byte for byte.
        var hard = TestImages.HardEllipse(W, H);
        var twice = ForegroundRenderer.Render(ForegroundRenderer.Render(Composite, hard, MapOf("lut")), hard, MapOf("affine-field"));
        var composed = ForegroundRenderer.Render(Composite, hard, new ComposedForegroundMap(MapOf("lut"), MapOf("affine-field")));
        Assert.True(composed.ContentEquals(twice));
        // The order matters (a table then gains is not gains then a table), so the test can tell them apart.
        var reversed = ForegroundRenderer.Render(Composite, hard, new ComposedForegroundMap(MapOf("affine-field"), MapOf("lut")));
        Assert.False(reversed.ContentEquals(twice));
    }

    [Fact]
    public void Resampled_image_equals_resize_then_blend()
    {
        var small = TestImages.Gradient(W / 5, H / 5, seed: 9);
        var rendered = ForegroundRenderer.Render(Composite, SoftMask, new ImageForegroundMap(small, ResizeFilter.Bicubic));
        var expected = ForegroundRenderer.Render(Composite, SoftMask, new ImageForegroundMap(Resize.Rgb(small, W, H, ResizeFilter.Bicubic)));
        Assert.True(rendered.ContentEquals(expected));
    }

    [Fact]
    public void Mask_checks_live_in_one_place()
    {
        var method = new ReinhardTransfer();
        var empty = Mask.Filled(W, H, 0f);
        var destination = new RgbImage(W, H);
        Assert.Equal(Harmonization.EmptyMaskWarning, method.HarmonizeInto(Composite, empty, 1f, destination));
        Assert.True(destination.ContentEquals(Composite));
        Assert.Equal(MaskCoverage.Full, Harmonization.Coverage(Mask.Filled(W, H, 1f)));
        var e = Assert.Throws<HarmoniaException>(() => method.Harmonize(Composite, Mask.Filled(W, H, 1f)));
        Assert.Contains("whole image", e.Message);
        Assert.Equal(MaskCoverage.Partial, Harmonization.Coverage(SoftMask));
    }

    [Fact]
    public void Parallel_rows_visit_every_row_once_and_reduce_exactly()
    {
        const int rows = 4000, width = 1000;   // 4 MP: parallel blocks
        var visits = new int[rows];
        ParallelRows.For(rows, width, new CountRows(visits));
        Assert.All(visits, v => Assert.Equal(1, v));
        var total = new long[1];
        ParallelRows.Reduce<SumRows, long>(rows, width, new SumRows(total, width));
        Assert.Equal((long)rows * (rows - 1) / 2 * width, total[0]);
        var small = new long[1];
        ParallelRows.Reduce<SumRows, long>(10, 10, new SumRows(small, 10));   // sequential path
        Assert.Equal(45L * 10, small[0]);
    }

    readonly struct CountRows(int[] visits) : IRowOperation
    {
        public void Invoke(int y) => Interlocked.Increment(ref visits[y]);
    }

    readonly struct SumRows(long[] total, int width) : IRowReduction<long>
    {
        public int StateLength => 1;

        public void Invoke(int y, Span<long> state) => state[0] += (long)y * width;

        public void Merge(ReadOnlySpan<long> state) => total[0] += state[0];
    }
}
