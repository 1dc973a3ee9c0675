namespace Harmonia.Core.Color;

/// <summary>
/// Eigendecomposition of a symmetric 3x3 matrix by cyclic Jacobi rotations: <c>A = V · diag(values) · Vᵀ</c>,
/// eigenvectors in the columns of V. Converges to double precision in a handful of sweeps for 3x3.
/// </summary>
public static class SymmetricEigen3
{
    /// <summary>Decomposes <paramref name="a"/> (only its symmetric part is used).</summary>
    public static (Vec3 Values, Matrix3 Vectors) Decompose(Matrix3 a)
    {
        var s = new double[3, 3];
        var v = new double[3, 3];
        for (int r = 0; r < 3; r++)
        for (int c = 0; c < 3; c++)
        {
            s[r, c] = 0.5 * (a[r, c] + a[c, r]);
            v[r, c] = r == c ? 1 : 0;
        }
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = s[0, 1] * s[0, 1] + s[0, 2] * s[0, 2] + s[1, 2] * s[1, 2];
            double scale = s[0, 0] * s[0, 0] + s[1, 1] * s[1, 1] + s[2, 2] * s[2, 2];
            if (off <= 1e-30 * Math.Max(scale, 1e-300)) break;
            for (int p = 0; p < 2; p++)
            for (int q = p + 1; q < 3; q++)
            {
                if (s[p, q] == 0) continue;
                // Rotation angle that zeroes s[p,q] (Numerical Recipes' stable form).
                double theta = (s[q, q] - s[p, p]) / (2 * s[p, q]);
                double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                double c = 1 / Math.Sqrt(t * t + 1), sn = t * c;
                for (int k = 0; k < 3; k++)
                {
                    double skp = s[k, p], skq = s[k, q];
                    s[k, p] = c * skp - sn * skq;
                    s[k, q] = sn * skp + c * skq;
                }
                for (int k = 0; k < 3; k++)
                {
                    double spk = s[p, k], sqk = s[q, k];
                    s[p, k] = c * spk - sn * sqk;
                    s[q, k] = sn * spk + c * sqk;
                }
                for (int k = 0; k < 3; k++)
                {
                    double vkp = v[k, p], vkq = v[k, q];
                    v[k, p] = c * vkp - sn * vkq;
                    v[k, q] = sn * vkp + c * vkq;
                }
            }
        }
        return (new Vec3(s[0, 0], s[1, 1], s[2, 2]), Matrix3.From((r, c) => v[r, c]));
    }

    /// <summary>
    /// <c>V · diag(f(λ)) · Vᵀ</c>: a function of a symmetric matrix (square root, inverse square root), with
    /// eigenvalues first floored at <paramref name="floor"/> so singular covariances stay usable.
    /// </summary>
    public static Matrix3 Apply(Matrix3 a, Func<double, double> f, double floor = 0)
    {
        var (values, vectors) = Decompose(a);
        var d = new Vec3(f(Math.Max(values.X, floor)), f(Math.Max(values.Y, floor)), f(Math.Max(values.Z, floor)));
        return vectors * Matrix3.Diagonal(d) * vectors.Transpose();
    }
}
