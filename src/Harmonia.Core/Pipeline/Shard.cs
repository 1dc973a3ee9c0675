using System.Globalization;
using System.Text;
using Harmonia.Core.Errors;

namespace Harmonia.Core.Pipeline;

/// <summary>
/// Shard K of N (0 ≤ K &lt; N) of a job: an item belongs to the shard where FNV-1a-64(key) mod N = K, with key the
/// item's path relative to the input folder ('/' separators). Every machine computes the same split with no
/// coordination, the N shards together hold every item exactly once, and an item keeps its shard when other files
/// are added (for a Kubernetes indexed Job: K = $JOB_COMPLETION_INDEX; for a Slurm array: K = $SLURM_ARRAY_TASK_ID).
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole job (shard 0 of 1).</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses <c>K/N</c>; a <see cref="UsageException"/> unless 0 ≤ K &lt; N.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n >= 1 && k < n)
            return new Shard(k, n);
        throw new UsageException($"--shard must be K/N with 0 <= K < N (e.g. 0/4), got '{text}'.");
    }

    /// <summary>Whether the item with <paramref name="key"/> belongs to this shard.</summary>
    public bool Contains(string key) => (int)(StableHash(key.Replace('\\', '/')) % (ulong)Count) == Index;

    /// <summary>The items of this shard, in their original order.</summary>
    public List<T> Select<T>(IEnumerable<T> items, Func<T, string> key)
    {
        var shard = this;
        return items.Where(i => shard.Contains(key(i))).ToList();
    }

    /// <summary>FNV-1a 64 over the UTF-8 bytes: the same on every machine and .NET version (unlike string.GetHashCode).</summary>
    public static ulong StableHash(string key)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }
        return hash;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Index}/{Count}";
}
