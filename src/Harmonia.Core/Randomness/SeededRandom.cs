using System.Text;

namespace Harmonia.Core.Randomness;

/// <summary>
/// The one seeded random source of Harmonia: a SplitMix64 stream whose output depends only on its key, never on
/// thread timing or on .NET's own <see cref="Random"/> algorithms. Every random decision (a synthetic sample's
/// parameters, a loader's crop, a training step's torch seed) derives its own generator from a key — a seed plus
/// strings (<see cref="FromKey"/>) or integers (<see cref="FromValues"/>) — so parallel work gives the same result as
/// serial work. Derives from <see cref="Random"/> so it can be passed wherever a <see cref="Random"/> is expected
/// (e.g. <see cref="Random.Shuffle{T}(Span{T})"/>); every draw goes through <see cref="NextUInt64"/>.
/// Not thread-safe: one instance per decision.
/// </summary>
public sealed class SeededRandom : Random
{
    const ulong Golden = 0x9E3779B97F4A7C15UL;
    ulong _state;

    /// <summary>A generator with the given 64-bit state.</summary>
    public SeededRandom(ulong state) : base(0) => _state = state;

    /// <summary>A generator keyed by a seed and strings (see <see cref="Hash"/>): stable across runs and machines.</summary>
    public static SeededRandom FromKey(int seed, params string[] parts) => new(Hash(seed, parts));

    /// <summary>A generator keyed by integers (see <see cref="Mix"/>), e.g. (seed, epoch, position).</summary>
    public static SeededRandom FromValues(params ReadOnlySpan<long> values) => new(Mix(values));

    /// <summary>A stable 64-bit hash of a seed and strings: FNV-1a over their UTF-8 bytes with a separator after each, then mixed.</summary>
    public static ulong Hash(int seed, params string[] parts)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var p in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(p)) { h ^= b; h *= 1099511628211UL; }
            h ^= 0xFF; h *= 1099511628211UL; // separator so ("ab","c") != ("a","bc")
        }
        return Finalize(h);
    }

    /// <summary>A stable 64-bit key of integers: each value is xored in and stepped through SplitMix64.</summary>
    public static ulong Mix(params ReadOnlySpan<long> values)
    {
        ulong h = Golden;
        foreach (var v in values) h = Finalize((h ^ (ulong)v) + Golden);
        return h;
    }

    // SplitMix64's output function (Steele, Lea & Flood 2014).
    static ulong Finalize(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += Golden;
        return Finalize(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <inheritdoc />
    protected override double Sample() => NextDouble();

    /// <summary>Uniform in [0, <see cref="int.MaxValue"/>).</summary>
    public override int Next() => NextInt(int.MaxValue);

    /// <summary>Uniform in [0, <paramref name="maxValue"/>); 0 when <paramref name="maxValue"/> is 0.</summary>
    public override int Next(int maxValue) =>
        maxValue < 0 ? throw new ArgumentOutOfRangeException(nameof(maxValue)) : (int)(NextDouble() * maxValue);

    /// <summary>Uniform in [<paramref name="minValue"/>, <paramref name="maxValue"/>).</summary>
    public override int Next(int minValue, int maxValue) =>
        minValue > maxValue ? throw new ArgumentOutOfRangeException(nameof(minValue)) : (int)(minValue + (long)(NextDouble() * ((long)maxValue - minValue)));

    /// <summary>Uniform in [0, <see cref="long.MaxValue"/>).</summary>
    public override long NextInt64() => (long)(NextUInt64() >> 1) % long.MaxValue;

    /// <summary>Uniform in [0, <paramref name="maxValue"/>).</summary>
    public override long NextInt64(long maxValue) => NextInt64(0, maxValue);

    /// <summary>Uniform in [<paramref name="minValue"/>, <paramref name="maxValue"/>).</summary>
    public override long NextInt64(long minValue, long maxValue)
    {
        if (minValue > maxValue) throw new ArgumentOutOfRangeException(nameof(minValue));
        ulong range = (ulong)(maxValue - minValue);
        return range == 0 ? minValue : minValue + (long)(NextUInt64() % range);
    }

    /// <summary>Uniform in [0, 1) as a float.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public override void NextBytes(byte[] buffer) => NextBytes(buffer.AsSpan());

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public override void NextBytes(Span<byte> buffer)
    {
        for (int i = 0; i < buffer.Length; i++) buffer[i] = (byte)(NextUInt64() >> 56);
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, n); n must be positive.</summary>
    public int NextInt(int n) => n <= 0 ? throw new ArgumentOutOfRangeException(nameof(n)) : (int)(NextDouble() * n);

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    /// <summary>A uniformly random permutation of 0..n-1 (Fisher-Yates).</summary>
    public int[] Permutation(int n)
    {
        var a = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }

    /// <summary>One element chosen uniformly.</summary>
    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];
}
