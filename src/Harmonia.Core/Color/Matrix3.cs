namespace Harmonia.Core.Color;

/// <summary>A 3-vector of doubles (a colour, a mean).</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    /// <summary>Component i (0, 1, 2).</summary>
    public double this[int i] => i switch { 0 => X, 1 => Y, 2 => Z, _ => throw new ArgumentOutOfRangeException(nameof(i)) };

    /// <summary>All three components equal to <paramref name="v"/>.</summary>
    public static Vec3 All(double v) => new(v, v, v);

    /// <summary>Component-wise sum.</summary>
    public static Vec3 operator +(Vec3 a, Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>Component-wise difference.</summary>
    public static Vec3 operator -(Vec3 a, Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    /// <summary>Scaling.</summary>
    public static Vec3 operator *(double s, Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);
}

/// <summary>A 3x3 matrix of doubles, row-major (<c>M[r, c]</c>): colour-space matrices and covariances.</summary>
public readonly struct Matrix3
{
    readonly double m00, m01, m02, m10, m11, m12, m20, m21, m22;

    /// <summary>Builds from rows.</summary>
    public Matrix3(double m00, double m01, double m02, double m10, double m11, double m12, double m20, double m21, double m22)
    {
        this.m00 = m00; this.m01 = m01; this.m02 = m02;
        this.m10 = m10; this.m11 = m11; this.m12 = m12;
        this.m20 = m20; this.m21 = m21; this.m22 = m22;
    }

    /// <summary>The identity.</summary>
    public static Matrix3 Identity => Diagonal(new Vec3(1, 1, 1));

    /// <summary>diag(d).</summary>
    public static Matrix3 Diagonal(Vec3 d) => new(d.X, 0, 0, 0, d.Y, 0, 0, 0, d.Z);

    /// <summary>Element at row r, column c.</summary>
    public double this[int r, int c] => (r * 3 + c) switch
    {
        0 => m00, 1 => m01, 2 => m02, 3 => m10, 4 => m11, 5 => m12, 6 => m20, 7 => m21, 8 => m22,
        _ => throw new ArgumentOutOfRangeException(nameof(r)),
    };

    /// <summary>Builds from a function of (row, column).</summary>
    public static Matrix3 From(Func<int, int, double> f) =>
        new(f(0, 0), f(0, 1), f(0, 2), f(1, 0), f(1, 1), f(1, 2), f(2, 0), f(2, 1), f(2, 2));

    /// <summary>Matrix product.</summary>
    public static Matrix3 operator *(Matrix3 a, Matrix3 b) =>
        From((r, c) => a[r, 0] * b[0, c] + a[r, 1] * b[1, c] + a[r, 2] * b[2, c]);

    /// <summary>Matrix times column vector.</summary>
    public static Vec3 operator *(Matrix3 a, Vec3 v) => new(
        a.m00 * v.X + a.m01 * v.Y + a.m02 * v.Z,
        a.m10 * v.X + a.m11 * v.Y + a.m12 * v.Z,
        a.m20 * v.X + a.m21 * v.Y + a.m22 * v.Z);

    /// <summary>Scaling.</summary>
    public static Matrix3 operator *(double s, Matrix3 a) => From((r, c) => s * a[r, c]);

    /// <summary>Sum.</summary>
    public static Matrix3 operator +(Matrix3 a, Matrix3 b) => From((r, c) => a[r, c] + b[r, c]);

    /// <summary>The transpose.</summary>
    public Matrix3 Transpose() { var t = this; return From((r, c) => t[c, r]); }

    /// <summary>The diagonal.</summary>
    public Vec3 Diag => new(m00, m11, m22);

    /// <summary>The determinant.</summary>
    public double Determinant() =>
        m00 * (m11 * m22 - m12 * m21) - m01 * (m10 * m22 - m12 * m20) + m02 * (m10 * m21 - m11 * m20);

    /// <summary>The inverse (by cofactors); throws when singular.</summary>
    public Matrix3 Inverse()
    {
        double det = Determinant();
        if (det == 0 || !double.IsFinite(det)) throw new InvalidOperationException("Matrix is singular.");
        double k = 1 / det;
        return new Matrix3(
            k * (m11 * m22 - m12 * m21), k * (m02 * m21 - m01 * m22), k * (m01 * m12 - m02 * m11),
            k * (m12 * m20 - m10 * m22), k * (m00 * m22 - m02 * m20), k * (m02 * m10 - m00 * m12),
            k * (m10 * m21 - m11 * m20), k * (m01 * m20 - m00 * m21), k * (m00 * m11 - m01 * m10));
    }

    /// <summary>Largest absolute element difference (for tests and checks).</summary>
    public static double MaxAbsDifference(Matrix3 a, Matrix3 b)
    {
        double d = 0;
        for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++) d = Math.Max(d, Math.Abs(a[r, c] - b[r, c]));
        return d;
    }
}
