using System.Collections.Concurrent;
using TorchSharp;

namespace Harmonia.Models.PHNet;

/// <summary>
/// Long-lived TorchSharp scalars for the constants of the hot paths. Why: an implicit double → Scalar conversion
/// creates a short-lived native scalar that the GC may finalize while the native op still uses it; training crashed
/// every few steps in TorchSharp 0.107 with "Expected false to be true" from Scalar::toDouble inside add/rsub.
/// Cached scalars stay reachable for the process lifetime.
/// </summary>
internal static class ScalarCache
{
    static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>The cached scalar of <paramref name="value"/>.</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
