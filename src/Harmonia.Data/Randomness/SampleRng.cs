using System.Text;

namespace Harmonia.Data.Randomness;

/// <summary>
/// A small seeded random generator (SplitMix64) whose stream depends only on its key, never on thread timing or
/// on .NET's <see cref="Random"/> implementation: every sample derives its own generator from
/// (dataset seed, photo stem, family, variant), so a parallel build writes the same bytes as a serial one.
/// </summary>
public sealed class SampleRng
{
    ulong _state;

    /// <summary>A generator with the given 64-bit state.</summary>
    public SampleRng(ulong state) => _state = state;

    /// <summary>A generator keyed by a seed and any strings (FNV-1a over UTF-8, then mixed): stable across runs and machines.</summary>
    public static SampleRng FromKey(int seed, params string[] parts) => new(Hash(seed, parts));

    /// <summary>A stable 64-bit hash of a seed and strings.</summary>
    public static ulong Hash(int seed, params string[] parts)
    {
        ulong h = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var p in parts)
        {
            foreach (var b in Encoding.UTF8.GetBytes(p)) { h ^= b; h *= 1099511628211UL; }
            h ^= 0xFF; h *= 1099511628211UL; // separator so ("ab","c") != ("a","bc")
        }
        return Mix(h);
    }

    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
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
