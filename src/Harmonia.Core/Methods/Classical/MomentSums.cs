using Harmonia.Core.Color;

namespace Harmonia.Core.Methods.Classical;

/// <summary>
/// Raw moments of a 3-channel feature over a set of pixels: the count, Σx per channel and Σxᵢxⱼ (upper triangle).
/// Mean, per-channel standard deviation and covariance (population, divided by the count) derive from them.
/// </summary>
public sealed class MomentSums
{
    /// <summary>Number of values in the layout of <see cref="Values"/>: count, 3 sums, 6 products.</summary>
    public const int Length = 10;

    /// <summary>[n, Σx0, Σx1, Σx2, Σx0x0, Σx0x1, Σx0x2, Σx1x1, Σx1x2, Σx2x2].</summary>
    public double[] Values { get; } = new double[Length];

    /// <summary>Number of pixels summed.</summary>
    public double Count => Values[0];

    /// <summary>Adds raw sums laid out as <see cref="Values"/> (e.g. a thread's partial sums).</summary>
    public void Add(ReadOnlySpan<double> sums)
    {
        for (int i = 0; i < Length; i++) Values[i] += sums[i];
    }

    /// <summary>Adds another set's sums.</summary>
    public void Add(MomentSums other) => Add(other.Values);

    /// <summary>Mean per channel (NaN when empty).</summary>
    public Vec3 Mean => new(Values[1] / Count, Values[2] / Count, Values[3] / Count);

    /// <summary>Population covariance (divided by the count); tiny negative variances from rounding are clamped to 0.</summary>
    public Matrix3 Covariance
    {
        get
        {
            var m = Mean;
            double n = Count;
            double c00 = Math.Max(0, Values[4] / n - m.X * m.X), c11 = Math.Max(0, Values[7] / n - m.Y * m.Y), c22 = Math.Max(0, Values[9] / n - m.Z * m.Z);
            double c01 = Values[5] / n - m.X * m.Y, c02 = Values[6] / n - m.X * m.Z, c12 = Values[8] / n - m.Y * m.Z;
            return new Matrix3(c00, c01, c02, c01, c11, c12, c02, c12, c22);
        }
    }

    /// <summary>Per-channel standard deviation.</summary>
    public Vec3 Std
    {
        get { var d = Covariance.Diag; return new(Math.Sqrt(d.X), Math.Sqrt(d.Y), Math.Sqrt(d.Z)); }
    }
}

/// <summary>Moments of the binary foreground and of the background (pixels outside the binary mask) of one region.</summary>
public sealed record RegionMoments(MomentSums Foreground, MomentSums Background)
{
    /// <summary>Empty sums.</summary>
    public static RegionMoments Empty() => new(new MomentSums(), new MomentSums());

    /// <summary>Sums of several regions (e.g. all grid cells = the whole image).</summary>
    public static RegionMoments Sum(IEnumerable<RegionMoments> regions)
    {
        var total = Empty();
        foreach (var r in regions)
        {
            total.Foreground.Add(r.Foreground);
            total.Background.Add(r.Background);
        }
        return total;
    }
}
