using System.Globalization;

namespace Harmonia.Video.Ffmpeg;

/// <summary>An exact ratio as FFmpeg writes them (<c>"30000/1001"</c>, <c>"1:1"</c>); a zero denominator means unknown.</summary>
public readonly record struct Rational(long Numerator, long Denominator)
{
    /// <summary>Whether both terms are positive.</summary>
    public bool IsValid => Numerator > 0 && Denominator > 0;

    /// <summary>The value as a double (0 when invalid).</summary>
    public double Value => IsValid ? Numerator / (double)Denominator : 0;

    /// <summary>Parses <c>"a/b"</c> or <c>"a:b"</c>; anything else (e.g. <c>"N/A"</c>) gives 0/0.</summary>
    public static Rational Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return default;
        var parts = text.Split('/', ':');
        return parts.Length == 2
               && long.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
               && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var d)
            ? new Rational(n, d)
            : default;
    }

    /// <summary><paramref name="ticks"/> of this time base in nanoseconds, rounded to the nearest.</summary>
    public long TicksToNanoseconds(long ticks) =>
        (long)Math.Round((decimal)ticks * Numerator * 1_000_000_000m / Denominator, MidpointRounding.AwayFromZero);

    /// <summary>The FFmpeg form <c>"a/b"</c>.</summary>
    public override string ToString() => $"{Numerator}/{Denominator}";
}
