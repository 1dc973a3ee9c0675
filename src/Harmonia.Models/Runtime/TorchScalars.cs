using System.Collections.Concurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.Runtime;

/// <summary>
/// Long-lived TorchSharp scalars for the constants of hot paths, and scalar-safe replacements of TorchSharp helpers.
/// Why: in TorchSharp 0.107 an implicit <c>double → Scalar</c> conversion (e.g. <c>t * 255</c>, <c>t.clamp(0, 1)</c>,
/// and <c>Tensor.square()</c>, which is <c>pow(2)</c>) creates a native scalar that only a finalizer frees; nothing
/// keeps it alive during the native call, so a garbage collection started by another thread can free it mid-call.
/// libtorch then fails with "Expected false to be true", "Unknown scalar type" or an INTERNAL ASSERT in Scalar.h
/// (seen every few hundred training steps; one source was <c>square()</c> in PHNet's statistics). Cached scalars stay
/// reachable for the process lifetime. TorchSharp's own implicit scalars (the default <c>alpha</c> of every
/// <c>tensor + tensor</c> and <c>tensor - tensor</c>, and those inside its optimizers) remain, so the trainer still
/// skips the rare batch they hit; S²CRNet's inference path (what <c>harmonia eval</c> runs while its workers allocate)
/// uses <c>add(x, TorchScalars.Of(1))</c> and creates none. Measured with a thread forcing collections:
/// <c>x * 0.5</c> then <c>+ 0.25</c> failed 43 times in 114k iterations, <c>x + y</c> then <c>- y</c> 14 in 302k.
/// </summary>
public static class TorchScalars
{
    static readonly ConcurrentDictionary<double, Scalar> Doubles = new();
    static readonly ConcurrentDictionary<long, Scalar> Integers = new();

    /// <summary>The cached floating-point scalar of <paramref name="value"/>.</summary>
    public static Scalar Of(double value) => Doubles.GetOrAdd(value, v => v.ToScalar());

    /// <summary>The cached integer scalar of <paramref name="value"/> (keeps integer tensors integral in clamp etc.).</summary>
    public static Scalar OfInteger(long value) => Integers.GetOrAdd(value, v => v.ToScalar());

    /// <summary>Element-wise square, like <c>Tensor.square()</c> but with a cached exponent.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Of(2));
}
