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
/// reachable for the process lifetime. TorchSharp also makes temporary scalars itself: the
/// default <c>alpha</c> of <c>add(tensor)</c>, <c>add(scalar)</c> and <c>tensor + tensor</c> (use <see cref="Plus(Tensor, Tensor)"/>;
/// <c>sub</c> has no alpha in 0.107), the number operands of its operators (<c>t * 0.5</c>), and the steps of its
/// optimizers (Training/Optimizers has scalar-safe ones); those inside its modules (BatchNorm's
/// <c>num_batches_tracked.add_(1)</c>) remain, so the trainer still skips the rare batch they hit. Measured with a thread forcing collections:
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

    /// <summary>The cached 1, also the explicit alpha of <see cref="Plus(Tensor, Tensor)"/>.</summary>
    public static Scalar One => Of(1);

    /// <summary>Element-wise square, like <c>Tensor.square()</c> but with a cached exponent.</summary>
    public static Tensor Squared(this Tensor x) => x.pow(Of(2));

    /// <summary><c>a + b</c> with a cached alpha (the operator passes a temporary alpha of 1).</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>x + value</c> (cached value and alpha).</summary>
    public static Tensor Plus(this Tensor x, double value) => x.add(Of(value), One);

    /// <summary><c>1 - x</c>, e.g. the background weight of a mask, without temporary Scalars.</summary>
    public static Tensor OneMinus(this Tensor x) => x.neg().add_(One, One);
}
