namespace Harmonia.Data.Color;

/// <summary>3x3 symmetric matrix helpers (row-major double[9]) for the Monge-Kantorovich linear colour transfer.</summary>
public static class SymmetricMatrix3
{
    /// <summary>Product A·B of two 3x3 matrices.</summary>
    public static double[] Multiply(double[] a, double[] b)
    {
        var r = new double[9];
        for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
        for (int k = 0; k < 3; k++)
            r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
        return r;
    }

    /// <summary>
    /// Applies f to the eigenvalues of a symmetric matrix: V·diag(f(λ))·Vᵀ, eigenvectors by cyclic Jacobi rotations.
    /// Eigenvalues are floored at 1e-9 first so square roots and inverses stay finite.
    /// </summary>
    public static double[] ApplyToEigenvalues(double[] m, Func<double, double> f)
    {
        var a = (double[])m.Clone();
        var v = new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        for (int sweep = 0; sweep < 50; sweep++)
        {
            double off = a[1] * a[1] + a[2] * a[2] + a[5] * a[5];
            if (off < 1e-22) break;
            for (int p = 0; p < 2; p++)
            for (int q = p + 1; q < 3; q++)
            {
                double apq = a[p * 3 + q];
                if (Math.Abs(apq) < 1e-300) continue;
                double theta = (a[q * 3 + q] - a[p * 3 + p]) / (2 * apq);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < 3; k++)
                {
                    double akp = a[k * 3 + p], akq = a[k * 3 + q];
                    a[k * 3 + p] = c * akp - s * akq;
                    a[k * 3 + q] = s * akp + c * akq;
                }
                for (int k = 0; k < 3; k++)
                {
                    double apk = a[p * 3 + k], aqk = a[q * 3 + k];
                    a[p * 3 + k] = c * apk - s * aqk;
                    a[q * 3 + k] = s * apk + c * aqk;
                }
                for (int k = 0; k < 3; k++)
                {
                    double vkp = v[k * 3 + p], vkq = v[k * 3 + q];
                    v[k * 3 + p] = c * vkp - s * vkq;
                    v[k * 3 + q] = s * vkp + c * vkq;
                }
            }
        }
        var r = new double[9];
        for (int e = 0; e < 3; e++)
        {
            double fe = f(Math.Max(1e-9, a[e * 4]));
            for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[i * 3 + j] += v[i * 3 + e] * fe * v[j * 3 + e];
        }
        return r;
    }

    /// <summary>
    /// The Monge-Kantorovich linear map T with T·Cs·Tᵀ = Ct (Pitié &amp; Kokaram 2007):
    /// T = Cs^-1/2 (Cs^1/2 Ct Cs^1/2)^1/2 Cs^-1/2.
    /// </summary>
    public static double[] MongeKantorovich(double[] cs, double[] ct)
    {
        var sHalf = ApplyToEigenvalues(cs, Math.Sqrt);
        var sInvHalf = ApplyToEigenvalues(cs, x => 1 / Math.Sqrt(x));
        var mid = ApplyToEigenvalues(Multiply(Multiply(sHalf, ct), sHalf), Math.Sqrt);
        return Multiply(Multiply(sInvHalf, mid), sInvHalf);
    }
}
