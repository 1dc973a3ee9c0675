using System.Text.Json;
using Harmonia.Core.Imaging;
using Harmonia.Data.Rendering;

namespace Harmonia.Tests.Data.Rendering;

/// <summary>The C# side of <c>dataset render</c> without Blender: styles, soft labels, scene sampling, exchange.</summary>
public sealed class SceneSamplingTests
{
    static readonly SceneSettings Settings = new(64, 64, 4, 3, Characters.All);

    [Fact]
    public void Ten_styles_in_label_order_with_night_last()
    {
        var all = CaptureStyles.All;
        Assert.Equal(10, all.Count);
        Assert.Equal(Enumerable.Range(1, 10), all.Select(s => s.Index));
        Assert.Equal(10, all.Select(s => s.Name).Distinct().Count());
        Assert.Equal("night", all[^1].Name);
        Assert.Null(all[^1].Weather);
        // 3 weathers x 3 day times, each once
        Assert.Equal(9, all.Where(s => s.Weather is not null).Select(s => (s.Weather, s.Time)).Distinct().Count());
    }

    [Fact]
    public void Soft_label_is_one_hot_inside_a_range_and_shared_at_borders()
    {
        var clearNoon = CaptureStyles.Of(Weather.Clear, TimeOfDay.Noon);
        var inside = CaptureStyles.SoftLabel(clearNoon, 60, 0.05);
        Assert.Equal(1.0, inside[clearNoon.Index - 1], 9);
        Assert.Equal(1.0, inside.Sum(), 9);

        // On the noon/other-times border (45°) and the clear/partly border (0.15): four styles, 25 % each.
        var corner = CaptureStyles.SoftLabel(clearNoon, 45, 0.15);
        Assert.Equal(1.0, corner.Sum(), 9);
        Assert.Equal(0.25, corner[clearNoon.Index - 1], 9);
        Assert.Equal(0.25, corner[CaptureStyles.Of(Weather.Clear, TimeOfDay.OtherTimes).Index - 1], 9);
        Assert.Equal(0.25, corner[CaptureStyles.Of(Weather.PartlyCloudy, TimeOfDay.Noon).Index - 1], 9);
        Assert.Equal(0.25, corner[CaptureStyles.Of(Weather.PartlyCloudy, TimeOfDay.OtherTimes).Index - 1], 9);

        // Halfway into the elevation margin: 25 % to the neighbour.
        var half = CaptureStyles.SoftLabel(clearNoon, 45 + CaptureStyles.ElevationMargin / 2, 0.05);
        Assert.Equal(0.75, half[clearNoon.Index - 1], 9);
        Assert.Equal(0.25, half[CaptureStyles.Of(Weather.Clear, TimeOfDay.OtherTimes).Index - 1], 9);

        // Noon has no upper neighbour and clear no lower one: their outer edges stay one-hot.
        Assert.Equal(1.0, CaptureStyles.SoftLabel(clearNoon, 75, 0)[clearNoon.Index - 1], 9);
        var night = CaptureStyles.All[^1];
        Assert.Equal(1.0, CaptureStyles.SoftLabel(night, 15, 0.0)[9], 9);
    }

    [Fact]
    public void Composite_label_mixes_by_foreground_area()
    {
        var fg = new double[10];
        var bg = new double[10];
        fg[0] = 1;
        bg[9] = 1;
        var mixed = CaptureStyles.Mix(fg, bg, 0.2);
        Assert.Equal(0.2, mixed[0], 12);
        Assert.Equal(0.8, mixed[9], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => CaptureStyles.Mix(fg, bg, 1.5));
    }

    [Fact]
    public void Every_sampled_style_stays_inside_its_ranges()
    {
        for (int n = 1; n <= 40; n++)
        {
            var scene = SceneSampler.Sample(7, n, Settings);
            Assert.Equal(10, scene.Styles.Count);
            foreach (var (spec, style) in scene.Styles.Zip(CaptureStyles.All))
            {
                Assert.Equal(style.Index, spec.Index);
                Assert.Equal(1.0, spec.SoftLabel.Sum(), 9);
                Assert.True(spec.SoftLabel[style.Index - 1] >= 0.25, $"{style.Name}: own weight {spec.SoftLabel[style.Index - 1]}");
                Assert.True(spec.Sun.Strength > 0 && spec.Sun.TemperatureK is >= 1500 and <= 7000, $"{style.Name}: sun {spec.Sun}");
                if (style.Weather is { } w)
                {
                    var (eMin, eMax) = CaptureStyles.ElevationRange(style.Time);
                    var (cMin, cMax) = CaptureStyles.CoverRange(w);
                    Assert.InRange(spec.Sun.ElevationDeg, eMin, eMax);
                    Assert.Equal(spec.Sun.ElevationDeg, spec.Sky.SunElevationDeg);
                    Assert.InRange(spec.Clouds.Cover, cMin, cMax);
                    Assert.False(spec.IsNight);
                    Assert.Empty(spec.Lamps);
                    double az = spec.Sun.AzimuthDeg;
                    switch (style.Time)
                    {
                        case TimeOfDay.SunriseSunset: Assert.True(az is >= 60 and <= 120 or >= 240 and <= 300, $"sunrise azimuth {az}"); break;
                        case TimeOfDay.Noon: Assert.InRange(az, 160, 200); break;
                        default: Assert.True(az is >= 95 and <= 155 or >= 205 and <= 265, $"other-times azimuth {az}"); break;
                    }
                }
                else
                {
                    Assert.True(spec.IsNight);
                    Assert.InRange(spec.Lamps.Count, 1, 3);
                    Assert.Equal(0, spec.Sky.Strength);
                    Assert.True(spec.Sun.Strength < 0.1, "moonlight is weak");
                }
            }
            // Direct light: a cloudy sky leaves less of the sun than a clear one at the same time of day.
            var clearNoon = scene.Styles[CaptureStyles.Of(Weather.Clear, TimeOfDay.Noon).Index - 1];
            var cloudyNoon = scene.Styles[CaptureStyles.Of(Weather.Cloudy, TimeOfDay.Noon).Index - 1];
            Assert.True(cloudyNoon.Sun.Strength < 0.5 * clearNoon.Sun.Strength, $"scene {n}: cloudy {cloudyNoon.Sun.Strength} vs clear {clearNoon.Sun.Strength}");
        }
    }

    [Fact]
    public void Scenes_cover_six_categories_with_licences_and_views()
    {
        var scenes = Enumerable.Range(1, 12).Select(n => SceneSampler.Sample(3, n, Settings)).ToList();
        var categories = scenes.Select(s => s.Character.Category).Distinct().ToList();
        Assert.Equal(["human", "bottle", "cake", "motorcycle", "cow", "couch"], categories);
        foreach (var scene in scenes)
        {
            Assert.Single(scene.Objects, o => o.Role == "character");
            Assert.All(scene.Objects, o => Assert.False(string.IsNullOrWhiteSpace(o.Licence)));
            Assert.True(scene.Character.Parts.Count >= 5, $"{scene.Character.Category}: {scene.Character.Parts.Count} parts");
            Assert.All(scene.Objects.SelectMany(o => o.Parts), p => Assert.InRange(p.Material, 0, scene.Materials.Count - 1));
            Assert.Equal(3, scene.Cameras.Count);
            var (center, radius) = SceneSampler.Bounds(scene.Character.Parts);
            foreach (var cam in scene.Cameras)
            {
                double d = Distance(cam.Location, center);
                Assert.True(d > radius, $"camera inside the character's bounds ({d} <= {radius})");
                Assert.True(Distance(cam.Target, center) < radius, "the camera looks at the character");
                Assert.True(cam.Location[2] > 0, "camera above the ground");
            }
            // Trees, buildings and rocks stand farther out than every camera, so they never hide the character.
            double cameraRing = scene.Cameras.Max(c => Math.Sqrt(c.Location[0] * c.Location[0] + c.Location[1] * c.Location[1]));
            foreach (var o in scene.Objects.Where(o => o.Category is "tree" or "building" or "rock"))
            {
                var (oc, _) = SceneSampler.Bounds(o.Parts);
                Assert.True(Math.Sqrt(oc[0] * oc[0] + oc[1] * oc[1]) > cameraRing, $"{o.Name} inside the camera ring");
            }
        }
        Assert.Contains(scenes, s => s.Objects.Any(o => o.Category == "table"));
        Assert.DoesNotContain(scenes.Where(s => s.Character.Category == "human"), s => s.Objects.Any(o => o.Category == "table"));
    }

    static double Distance(double[] a, double[] b) => Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (a[k] - b[k]) * (a[k] - b[k])));

    [Fact]
    public void Sampling_is_deterministic_for_a_seed_and_differs_between_seeds()
    {
        var a = SceneSampler.Sample(5, 4, Settings).ToJson();
        var b = SceneSampler.Sample(5, 4, Settings).ToJson();
        var c = SceneSampler.Sample(6, 4, Settings).ToJson();
        var d = SceneSampler.Sample(5, 5, Settings).ToJson();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
        // The JSON carries what the script reads, in snake_case.
        using var doc = JsonDocument.Parse(a);
        Assert.Equal(10, doc.RootElement.GetProperty("styles").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("styles")[0].GetProperty("sun").TryGetProperty("temperature_k", out _));
        Assert.True(doc.RootElement.GetProperty("cameras")[0].TryGetProperty("lens_mm", out _));
    }

    [Fact]
    public void Exchange_takes_the_foreground_under_the_mask_and_the_background_elsewhere()
    {
        var fg = new RgbImage(4, 2);
        var bg = new RgbImage(4, 2);
        Array.Fill(fg.Pixels, (byte)200);
        Array.Fill(bg.Pixels, (byte)10);
        var mask = new Mask(4, 2, [0, 1, 1, 0, 0, 0, 1, 0]);
        var c = RenderedDatasetBuilder.Exchange(fg, bg, mask);
        for (int i = 0; i < 8; i++)
            Assert.Equal(mask.Alpha[i] == 1 ? 200 : 10, c.Pixels[3 * i + 1]);
        Assert.All(bg.Pixels, p => Assert.Equal(10, p)); // input untouched
    }

    [Fact]
    public void Bad_options_are_usage_errors()
    {
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => new RenderedDatasetBuilder(new RenderOptions { OutDir = "x", Size = 8 }));
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => new RenderedDatasetBuilder(new RenderOptions { OutDir = "x", Scenes = 0 }));
        Assert.Throws<Harmonia.Core.Errors.UsageException>(() => new RenderedDatasetBuilder(new RenderOptions { OutDir = "x", Pairs = 10 }));
    }
}
