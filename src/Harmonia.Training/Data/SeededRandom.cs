namespace Harmonia.Training.Data;

/// <summary>
/// Seeds derived from integer tuples with SplitMix64, so every random decision of the loader depends only on
/// (seed, epoch, position) and not on which thread made it or when.
/// </summary>
public static class SeededRandom
{
    /// <summary>Mixes the values into one 64-bit seed.</summary>
    public static ulong Mix(params ReadOnlySpan<long> values)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (var v in values) h = SplitMix(h ^ (ulong)v);
        return h;
    }

    /// <summary>A <see cref="Random"/> seeded from the mixed values.</summary>
    public static Random For(params ReadOnlySpan<long> values) => new((int)(Mix(values) & 0x7FFFFFFF));

    static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
