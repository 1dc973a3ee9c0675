using System.Collections.Concurrent;

namespace Harmonia.Video.Streams;

/// <summary>
/// Reuses frame-sized arrays of one exact length (frames are megabytes: allocating one per frame would churn the
/// large-object heap). The number of arrays alive is bounded by the pipeline's channel capacities. Thread-safe.
/// </summary>
public sealed class BufferPool<T>(int length)
{
    readonly ConcurrentBag<T[]> free = [];

    /// <summary>Length of every array.</summary>
    public int Length { get; } = length;

    /// <summary>A free array (contents undefined) or a new one.</summary>
    public T[] Rent() => free.TryTake(out var a) ? a : new T[Length];

    /// <summary>Gives an array back for reuse; arrays of another length are ignored.</summary>
    public void Return(T[] array)
    {
        if (array.Length == Length) free.Add(array);
    }
}
