using Harmonia.Core.Randomness;
using Harmonia.Training.Data;

namespace Harmonia.Tests.Training.Data;

public class SceneLookTests
{
    [Fact]
    public void A_look_is_the_cast_familys_linear_light_gain_by_hand()
    {
        var look = new SceneLook(2f, 0.5f, 1f);
        // srgb(lin(0.5) · 2): lin(0.5) = ((0.5 + 0.055) / 1.055)^2.4 = 0.214041; 1.055 · 0.428082^(1/2.4) − 0.055 = 0.685836.
        Assert.Equal(0.685836f, look.Apply(0.5f, 0), 5);
        Assert.Equal(0.360780f, look.Apply(0.5f, 1), 5);   // gain 0.5
        Assert.Equal(0.5f, look.Apply(0.5f, 2), 6);        // gain 1: identity
        Assert.Equal(1f, look.Apply(0.9f, 0));              // clipped like a camera's highlight
        Assert.Equal(0.01f, look.Apply(0.02f, 1), 5);       // the linear toe: 0.02 / 12.92 · 0.5 · 12.92
    }

    [Fact]
    public void Draws_follow_the_probability_and_stay_in_range()
    {
        var options = new SceneLookOptions { Probability = 0.5 };
        var rng = SeededRandom.FromValues(3);
        int retoned = 0;
        double maxWarmth = 0;
        for (int i = 0; i < 4000; i++)
        {
            if (options.Draw(rng) is not { } look) continue;
            retoned++;
            // R/B = e^{2t}, G/√(RB) = e^{tint}, √(RB) = 2^EV.
            double warmth = Math.Log(look.GainR / look.GainB) / 2, tint = Math.Log(look.GainG / Math.Sqrt(look.GainR * look.GainB));
            double ev = Math.Log2(Math.Sqrt(look.GainR * look.GainB));
            Assert.InRange(warmth, -0.35 - 1e-5, 0.35 + 1e-5);
            Assert.InRange(tint, -0.15 - 1e-5, 0.15 + 1e-5);
            Assert.InRange(ev, -0.5 - 1e-5, 0.5 + 1e-5);
            maxWarmth = Math.Max(maxWarmth, Math.Abs(warmth));
        }
        Assert.InRange(retoned, 1800, 2200);
        Assert.True(maxWarmth > 0.3, $"temperatures should span their range, largest |t| {maxWarmth:F3}");
        Assert.Null(new SceneLookOptions().Draw(rng));
    }

    [Fact]
    public void Loader_retones_composite_and_real_by_one_map_and_keeps_the_geometry()
    {
        using var s = TrainingScratch.WithLayout(8, 32, 48);
        var plain = new LoaderOptions { Size = 32, BatchSize = 8, Seed = 11 };
        using var a = HarmonizationLoader.Open(s.Data, null, plain).Epoch(0).First();
        using var b = HarmonizationLoader.Open(s.Data, null, plain with { SceneLook = new SceneLookOptions { Probability = 1 } }).Epoch(0).First();
        // The look is drawn after crop and flip, so the masks (and with them the geometry) are unchanged.
        Assert.Equal(a.Mask.data<float>().ToArray(), b.Mask.data<float>().ToArray());
        float[] compA = a.Composite.data<float>().ToArray(), compB = b.Composite.data<float>().ToArray();
        float[] realA = a.Real.data<float>().ToArray(), realB = b.Real.data<float>().ToArray();
        int plane = 32 * 32;
        double change = 0;
        for (int n = 0; n < 8; n++)
            for (int c = 0; c < 3; c++)
            {
                // Per sample and channel, before → after must be one monotone function shared by composite and real.
                var pairs = new List<(float Before, float After)>();
                int o = (n * 3 + c) * plane;
                for (int p = 0; p < plane; p++)
                {
                    pairs.Add((compA[o + p], compB[o + p]));
                    pairs.Add((realA[o + p], realB[o + p]));
                    change += Math.Abs(realB[o + p] - realA[o + p]);
                }
                pairs.Sort();
                for (int i = 1; i < pairs.Count; i++)
                {
                    if (pairs[i].Before == pairs[i - 1].Before) Assert.Equal(pairs[i - 1].After, pairs[i].After);
                    else Assert.True(pairs[i].After >= pairs[i - 1].After, "the look must be monotone");
                }
            }
        Assert.True(change / (8 * 3 * plane) > 0.01, $"mean change {change / (8 * 3 * plane):F4}: the samples were not re-toned");
    }

    [Fact]
    public void Scene_scope_leaves_the_pasted_foreground_untinted()
    {
        using var s = TrainingScratch.WithLayout(8, 32, 48);
        var plain = new LoaderOptions { Size = 32, BatchSize = 8, Seed = 11 };
        var scene = plain with { SceneLook = new SceneLookOptions { Probability = 1, Scope = SceneLookScope.Scene } };
        using var a = HarmonizationLoader.Open(s.Data, null, plain).Epoch(0).First();
        using var b = HarmonizationLoader.Open(s.Data, null, scene).Epoch(0).First();
        float[] mask = b.Mask.data<float>().ToArray(), compA = a.Composite.data<float>().ToArray();
        float[] compB = b.Composite.data<float>().ToArray(), realA = a.Real.data<float>().ToArray(), realB = b.Real.data<float>().ToArray();
        int plane = 32 * 32, foreground = 0, retonedForeground = 0;
        for (int n = 0; n < 8; n++)
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < plane; p++)
                {
                    int i = (n * 3 + c) * plane + p;
                    if (mask[n * plane + p] >= 0.5f)
                    {
                        // The composite's foreground is as it was; the target's is re-toned.
                        Assert.Equal(compA[i], compB[i]);
                        foreground++;
                        if (Math.Abs(realB[i] - realA[i]) > 0.01f) retonedForeground++;
                    }
                    // Background: composite and real re-toned alike (the fixture's composite blue encodes the mask, so R and G).
                    else if (c < 2) Assert.Equal(realB[i], compB[i]);
                }
        Assert.True(foreground > 0);
        Assert.True(retonedForeground > foreground / 4, $"{retonedForeground} of {foreground} target foreground values re-toned");
    }

    [Fact]
    public void Out_of_range_settings_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new LoaderOptions { SceneLook = new SceneLookOptions { Probability = 1.5 } }.Validate());
        Assert.Throws<ArgumentException>(() => new LoaderOptions { SceneLook = new SceneLookOptions { Probability = 0.5, Temperature = -0.1 } }.Validate());
        new LoaderOptions { SceneLook = new SceneLookOptions { Probability = 0 } }.Validate();
    }
}
