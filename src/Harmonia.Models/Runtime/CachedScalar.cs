using TorchSharp;

namespace Harmonia.Models.Runtime;

/// <summary>
/// A Scalar for a value that changes now and then (a scheduled learning rate, a bias correction), kept alive by this
/// object until the value changes or it is disposed: the per-step counterpart of <see cref="TorchScalars.Of"/> (see
/// there for why a temporary Scalar must not reach libtorch). Not thread-safe: one owner (e.g. one optimizer) uses it.
/// </summary>
public sealed class CachedScalar : IDisposable
{
    double value;
    Scalar? scalar;

    /// <summary>The Scalar of <paramref name="x"/>; replaces (and frees) the previous one when the value changed.</summary>
    public Scalar Of(double x)
    {
        if (scalar is null || BitConverter.DoubleToInt64Bits(x) != BitConverter.DoubleToInt64Bits(value))
        {
            scalar?.Dispose();
            scalar = x.ToScalar();
            value = x;
        }
        return scalar;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        scalar?.Dispose();
        scalar = null;
    }
}
