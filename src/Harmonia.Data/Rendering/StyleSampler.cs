using Harmonia.Core.Randomness;

namespace Harmonia.Data.Rendering;

/// <summary>
/// Samples the lighting of each capture style for one scene. Day styles: sun elevation inside the time's range
/// (<see cref="CaptureStyles.ElevationRange"/>), azimuth by time (east or west at sunrise/sunset, south around noon,
/// south-east or south-west otherwise), Nishita sky with sampled air/dust/ozone, cloud cover inside the weather's
/// range: the cover dims the sun (direct light) and widens its disc (softer shadows) while the cloud layer replaces
/// the blue sky by a grey diffuse one. Night: a dark sky, a weak bluish moon and 1-3 warm artificial lamps at the
/// scene's lamp posts. Exposure follows a camera's partial auto-exposure.
/// </summary>
public static class StyleSampler
{
    /// <summary>Irradiance range (W/m²) of a clear noon sun in Blender units: bright but not clipped under Filmic.</summary>
    public const double SunMin = 2.8, SunMax = 4.2;

    /// <summary>Samples all 10 styles of a scene (label order) from <paramref name="rng"/>.</summary>
    /// <param name="lampPosts">Positions (metres) of the scene's lamp heads; the night lights sit there.</param>
    public static IReadOnlyList<StyleSpec> Sample(SeededRandom rng, IReadOnlyList<double[]> lampPosts) =>
        CaptureStyles.All.Select(s => s.Weather is { } w ? SampleDay(rng, s, w) : SampleNight(rng, s, lampPosts)).ToList();

    static StyleSpec SampleDay(SeededRandom rng, CaptureStyle style, Weather weather)
    {
        var (eMin, eMax) = CaptureStyles.ElevationRange(style.Time);
        var (cMin, cMax) = CaptureStyles.CoverRange(weather);
        double elevation = rng.Uniform(eMin, eMax);
        double cover = rng.Uniform(cMin, cMax);
        double azimuth = style.Time switch
        {
            TimeOfDay.SunriseSunset => rng.Chance(0.5) ? rng.Uniform(60, 120) : rng.Uniform(240, 300),
            TimeOfDay.Noon => rng.Uniform(160, 200),
            _ => rng.Chance(0.5) ? rng.Uniform(95, 155) : rng.Uniform(205, 265),
        };
        double sinE = Math.Sin(elevation * Math.PI / 180);
        // Direct sun: airmass extinction (Kasten-Young airmass, mild coefficient) and cloud attenuation.
        double airmass = 1 / (sinE + 0.50572 * Math.Pow(elevation + 6.07995, -1.6364));
        double sunStrength = rng.Uniform(SunMin, SunMax) * Math.Exp(-0.09 * (airmass - 1)) * (0.04 + 0.96 * Math.Pow(1 - cover, 1.6));
        // Sun colour: low sun is warm; cloud light drifts toward a neutral-cool 6500 K.
        double temperature = 2000 + 3800 * (1 - Math.Exp(-elevation / 10));
        temperature += cover * (6500 - temperature) * 0.7;
        double skyGain = rng.Uniform(0.07, 0.11);
        double warm = Math.Exp(-elevation / 8); // 1 at the horizon, ~0 by noon
        double[] cloudColor = [1.0 - 0.03 * (1 - warm), 0.98 - 0.22 * warm, 1.0 - 0.4 * warm];
        var clouds = new CloudSpec(cover, rng.Uniform(0.6, 1.8), rng.Uniform(0, 100), rng.Uniform(0.03, 0.1), rng.Uniform(0.85, 1.0),
            cloudColor, skyGain * 6 * (0.15 + sinE) * (1 - 0.45 * cover));
        var sky = new SkySpec(elevation, azimuth, rng.Uniform(0.8, 1.6), rng.Uniform(0.3, 2.0) + 2 * cover, rng.Uniform(0.8, 1.5),
            skyGain, [0, 0, 0]);
        var sun = new SunSpec(elevation, azimuth, sunStrength, 0.54 + 25 * cover * cover, temperature, [1, 1, 1]);
        // Partial auto-exposure: brighter for dim light, but a cloudy dawn stays darker than a cloudy noon.
        double exposure = style.Time switch
        {
            TimeOfDay.SunriseSunset => rng.Uniform(0.6, 1.2) + 0.4 * cover,
            TimeOfDay.OtherTimes => rng.Uniform(0.0, 0.4) + 0.9 * cover,
            _ => rng.Uniform(-0.3, 0.2) + 0.9 * cover,
        };
        return new StyleSpec(style.Index, style.Name, false, sky, sun, clouds, [], exposure,
            CaptureStyles.SoftLabel(style, elevation, cover));
    }

    static StyleSpec SampleNight(SeededRandom rng, CaptureStyle style, IReadOnlyList<double[]> lampPosts)
    {
        double moonElevation = rng.Uniform(15, 60);
        double moonAzimuth = rng.Uniform(0, 360);
        double cover = rng.Uniform(0, 0.6);
        double glow = rng.Uniform(0.6, 1.4);
        double[] nightColor = [0.008 * glow, 0.011 * glow, 0.02 * glow];
        var sky = new SkySpec(-12, moonAzimuth, 1, 1, 1, 0, nightColor);
        var moon = new SunSpec(moonElevation, moonAzimuth, rng.Uniform(0.03, 0.08) * (1 - 0.6 * cover), 0.5 + 10 * cover,
            rng.Uniform(4000, 4800), [0.7, 0.8, 1.0]);
        var clouds = new CloudSpec(cover, rng.Uniform(0.6, 1.8), rng.Uniform(0, 100), rng.Uniform(0.03, 0.1), rng.Uniform(0.6, 0.9),
            [0.5, 0.55, 0.7], 0.012 * glow);
        int lampCount = Math.Min(lampPosts.Count, 1 + rng.NextInt(3));
        var order = rng.Permutation(lampPosts.Count);
        var lamps = order.Take(lampCount).Select(i => new LampSpec(lampPosts[i], rng.Uniform(40, 150), rng.Uniform(0.05, 0.2),
            rng.Uniform(2200, 3600))).ToList();
        return new StyleSpec(style.Index, style.Name, true, sky, moon, clouds, lamps, rng.Uniform(0.4, 1.2),
            CaptureStyles.SoftLabel(style, moonElevation, cover));
    }
}
