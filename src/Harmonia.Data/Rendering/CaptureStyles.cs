namespace Harmonia.Data.Rendering;

/// <summary>Time of day of a capture style (RdHarmony §3: sunrise&amp;sunset, noon, other times, night).</summary>
public enum TimeOfDay
{
    /// <summary>Sun elevation in [1°, 12°).</summary>
    SunriseSunset,
    /// <summary>Sun elevation in [45°, 75°].</summary>
    Noon,
    /// <summary>Sun elevation in [12°, 45°).</summary>
    OtherTimes,
    /// <summary>Sun below the horizon: moonlight and artificial light.</summary>
    Night,
}

/// <summary>Weather of a day style (RdHarmony §3: Clear, Partly Cloudy, Cloudy), sampled as a cloud cover in [0, 1].</summary>
public enum Weather
{
    /// <summary>Cloud cover in [0, 0.15).</summary>
    Clear,
    /// <summary>Cloud cover in [0.15, 0.6).</summary>
    PartlyCloudy,
    /// <summary>Cloud cover in [0.6, 1].</summary>
    Cloudy,
}

/// <summary>
/// One of the 10 capture styles. <paramref name="Index"/> is 1-based (1..10), the style label CharmNet's style
/// classifiers predict (label vector entry <c>Index - 1</c>); <paramref name="Weather"/> is null for the night.
/// </summary>
public sealed record CaptureStyle(int Index, string Name, Weather? Weather, TimeOfDay Time);

/// <summary>
/// The 10 RdHarmony capture styles and their parameter ranges, and the soft style labels of renders that sit near the
/// border between two styles. A style is a range, not a point: every scene samples its own sun elevation and cloud
/// cover inside the style's range (see <see cref="StyleSampler"/>).
/// </summary>
public static class CaptureStyles
{
    /// <summary>Number of styles (the length of a style label vector).</summary>
    public const int Count = 10;

    /// <summary>Sun elevation range in degrees of a day time: [min, max).</summary>
    public static (double Min, double Max) ElevationRange(TimeOfDay time) => time switch
    {
        TimeOfDay.SunriseSunset => (1, 12),
        TimeOfDay.OtherTimes => (12, 45),
        TimeOfDay.Noon => (45, 75),
        _ => throw new ArgumentOutOfRangeException(nameof(time), "The night has no sun elevation range."),
    };

    /// <summary>Cloud cover range of a weather: [min, max).</summary>
    public static (double Min, double Max) CoverRange(Weather weather) => weather switch
    {
        Weather.Clear => (0, 0.15),
        Weather.PartlyCloudy => (0.15, 0.6),
        _ => (0.6, 1.0),
    };

    /// <summary>Width in degrees of the band on each side of a time border where a render's label is shared.</summary>
    public const double ElevationMargin = 2.0;
    /// <summary>Width in cover units of the band on each side of a weather border where a render's label is shared.</summary>
    public const double CoverMargin = 0.04;

    /// <summary>The 10 styles in label order: weather-major day styles, then the night.</summary>
    public static IReadOnlyList<CaptureStyle> All { get; } = Build();

    static List<CaptureStyle> Build()
    {
        var list = new List<CaptureStyle>();
        foreach (var w in new[] { Weather.Clear, Weather.PartlyCloudy, Weather.Cloudy })
            foreach (var t in new[] { TimeOfDay.SunriseSunset, TimeOfDay.Noon, TimeOfDay.OtherTimes })
                list.Add(new CaptureStyle(list.Count + 1, $"{WeatherName(w)}-{TimeName(t)}", w, t));
        list.Add(new CaptureStyle(list.Count + 1, "night", null, TimeOfDay.Night));
        return list;
    }

    static string WeatherName(Weather w) => w switch { Weather.Clear => "clear", Weather.PartlyCloudy => "partly-cloudy", _ => "cloudy" };
    static string TimeName(TimeOfDay t) => t switch { TimeOfDay.SunriseSunset => "sunrise-sunset", TimeOfDay.Noon => "noon", _ => "other-times" };

    /// <summary>The day style of a weather and time.</summary>
    public static CaptureStyle Of(Weather weather, TimeOfDay time) =>
        All.First(s => s.Weather == weather && s.Time == time);

    /// <summary>
    /// The soft style label (length <see cref="Count"/>, sums to 1) of a render of <paramref name="style"/> with the
    /// sampled sun elevation (degrees) and cloud cover. A render inside a style's range, farther than the margin from
    /// its borders, is one-hot; within the margin of a border it shares weight with the neighbour linearly, 50/50 on
    /// the border itself. Time and weather memberships multiply, so a render near two borders spreads over four
    /// styles. The night is always one-hot (it borders no day style: the day's sun is at least 1° up).
    /// </summary>
    public static double[] SoftLabel(CaptureStyle style, double sunElevationDeg, double cloudCover)
    {
        var label = new double[Count];
        if (style.Weather is not { } weather) { label[style.Index - 1] = 1; return label; }
        var times = Memberships(sunElevationDeg, [TimeOfDay.SunriseSunset, TimeOfDay.OtherTimes, TimeOfDay.Noon],
            t => ElevationRange(t), ElevationMargin, style.Time);
        var weathers = Memberships(cloudCover, [Weather.Clear, Weather.PartlyCloudy, Weather.Cloudy],
            w => CoverRange(w), CoverMargin, weather);
        foreach (var (t, pt) in times)
            foreach (var (w, pw) in weathers)
                label[Of(w, t).Index - 1] += pt * pw;
        return label;
    }

    /// <summary>Membership of a value in its own class and the neighbours along an ordered axis of touching ranges.</summary>
    static List<(T Class, double Weight)> Memberships<T>(double value, T[] ordered, Func<T, (double Min, double Max)> range, double margin, T own)
    {
        int i = Array.IndexOf(ordered, own);
        var (lo, hi) = range(own);
        var result = new List<(T, double)>();
        double toLower = i > 0 ? Share(value - lo, margin) : 0;
        double toUpper = i < ordered.Length - 1 ? Share(hi - value, margin) : 0;
        if (toLower > 0) result.Add((ordered[i - 1], toLower));
        if (toUpper > 0) result.Add((ordered[i + 1], toUpper));
        result.Add((own, 1 - toLower - toUpper));
        return result;
    }

    /// <summary>Weight given to the neighbour at distance <paramref name="d"/> inside the own range: 0.5 at the border, 0 at the margin.</summary>
    static double Share(double d, double margin) => d >= margin ? 0 : 0.5 * (1 - Math.Max(0, d) / margin);

    /// <summary>
    /// The composite's soft style label (RdHarmony §3): the foreground's and background's labels mixed by area,
    /// <c>r · fg + (1 - r) · bg</c> with r the foreground's share of the image.
    /// </summary>
    public static double[] Mix(double[] foreground, double[] background, double foregroundRatio)
    {
        if (foreground.Length != Count || background.Length != Count) throw new ArgumentException($"Style labels have {Count} entries.");
        if (!(foregroundRatio >= 0 && foregroundRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(foregroundRatio));
        var mixed = new double[Count];
        for (int k = 0; k < Count; k++) mixed[k] = foregroundRatio * foreground[k] + (1 - foregroundRatio) * background[k];
        return mixed;
    }
}
