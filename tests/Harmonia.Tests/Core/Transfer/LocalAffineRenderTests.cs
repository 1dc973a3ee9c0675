using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;
using Harmonia.Core.Transfer;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Core.Transfer;

/// <summary>
/// The field's full-resolution render maps eight pixels per vector where they share a pair of grid nodes and the run
/// is long enough, and pixel by pixel elsewhere; both must give the same bytes.
/// </summary>
public sealed class LocalAffineRenderTests
{
    [Fact]
    public void Eight_pixel_lanes_give_the_per_pixel_bytes()
    {
        // Working 40x24, full 1203x450: cells span ~240 full-resolution pixels, so long runs take the lanes; enough values
        // that a one-ulp change of the arithmetic (e.g. a multiply by 1/255 for the divide) flips some rounding.
        const int lw = 40, lh = 24, w = 1203, h = 450;
        var rng = new Random(7);
        var source = Enumerable.Range(0, lw * lh * 3).Select(_ => (float)rng.NextDouble()).ToArray();
        // A mapping that changes across the grid and pushes some colours out of [0, 1] (clamped bytes).
        var target = source.Select((v, i) => 1.5f * v - 0.25f + 0.2f * MathF.Sin(i * 0.01f)).ToArray();
        var weight = Enumerable.Repeat(1f, lw * lh).ToArray();
        var field = LocalAffineColorTransfer.Fit(source, target, weight, lw, lh, cellSize: 8);

        var composite = TestImages.Gradient(w, h, 3);
        for (int i = 0; i < composite.Pixels.Length; i++) composite.Pixels[i] = (byte)Math.Clamp(composite.Pixels[i] + rng.Next(-60, 61), 0, 255);
        var whole = new float[w * h];
        var cut = new float[w * h];
        for (int y = 5; y < h - 5; y++)
            for (int x = 3; x < w - 2; x++)
            {
                whole[y * w + x] = 1f;
                cut[y * w + x] = x % 8 == 7 ? 0f : 1f;   // runs of 7 pixels: too short for the lanes
            }
        var long_ = ForegroundRenderer.Render(composite, new Mask(w, h, whole), field);
        var short_ = ForegroundRenderer.Render(composite, new Mask(w, h, cut), field);

        int compared = 0, changed = 0, clipped = 0;
        for (int i = 0; i < cut.Length; i++)
        {
            if (cut[i] < 1f) continue;
            for (int c = 0; c < 3; c++)
            {
                byte v = long_.Pixels[3 * i + c];
                Assert.Equal(short_.Pixels[3 * i + c], v);
                compared++;
                if (v != composite.Pixels[3 * i + c]) changed++;
                if (v is 0 or 255) clipped++;
            }
        }
        Assert.True(changed > compared / 2, $"the field changed only {changed} of {compared} values");
        Assert.True(clipped > 0, "no value was clamped");
    }
}
