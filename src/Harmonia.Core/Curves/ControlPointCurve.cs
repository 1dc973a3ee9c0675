namespace Harmonia.Core.Curves;

/// <summary>
/// A curve drawn through control points, as a user drags them: monotone cubic Hermite interpolation
/// (Fritsch &amp; Carlson 1980), so a curve whose points rise never dips between them and never overshoots; flat
/// outside the first and last point. Sampled at the 256 8-bit inputs it becomes a <see cref="CurveParameters"/> table.
/// </summary>
public static class ControlPointCurve
{
    /// <summary>Most control points accepted per channel (a hand-edited curve needs a handful).</summary>
    public const int MaxPoints = 64;

    /// <summary>
    /// Samples the curve through <paramref name="points"/> (x, y in [0, 1]; 2..<see cref="MaxPoints"/> points; x strictly
    /// increasing after sorting) at v/255 for v = 0..255. Output values lie in [0, 1].
    /// </summary>
    public static double[] Sample256(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count is < 2 or > MaxPoints)
            throw new ArgumentException($"A curve needs 2 to {MaxPoints} control points, got {points.Count}.");
        var sorted = points.OrderBy(p => p.X).ToArray();
        int n = sorted.Length;
        var x = new double[n];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(sorted[i].X) || !double.IsFinite(sorted[i].Y) || sorted[i].X is < 0 or > 1 || sorted[i].Y is < 0 or > 1)
                throw new ArgumentException("Control points must have x and y in [0, 1].");
            x[i] = sorted[i].X;
            y[i] = sorted[i].Y;
            if (i > 0 && x[i] <= x[i - 1]) throw new ArgumentException("Control points must have distinct x values.");
        }
        var tangents = Tangents(x, y);
        var table = new double[256];
        int seg = 0;
        for (int v = 0; v < 256; v++)
        {
            double t = v / 255.0;
            if (t <= x[0]) { table[v] = y[0]; continue; }
            if (t >= x[n - 1]) { table[v] = y[n - 1]; continue; }
            while (t > x[seg + 1]) seg++;
            table[v] = Math.Clamp(Hermite(x, y, tangents, seg, t), 0.0, 1.0);
        }
        return table;
    }

    /// <summary>Three channels (R, G, B) of control points as curve parameters.</summary>
    public static CurveParameters ToParameters(IReadOnlyList<(double X, double Y)> red, IReadOnlyList<(double X, double Y)> green, IReadOnlyList<(double X, double Y)> blue)
    {
        var table = new double[768];
        Sample256(red).CopyTo(table, 0);
        Sample256(green).CopyTo(table, 256);
        Sample256(blue).CopyTo(table, 512);
        return CurveParameters.FromTable(table);
    }

    // Fritsch–Carlson: secant slopes, averaged at inner points, zero at local extrema, then limited so that
    // (m_i/d, m_{i+1}/d) stays inside the circle of radius 3, which keeps each segment monotone.
    static double[] Tangents(double[] x, double[] y)
    {
        int n = x.Length;
        var d = new double[n - 1];
        for (int i = 0; i < n - 1; i++) d[i] = (y[i + 1] - y[i]) / (x[i + 1] - x[i]);
        var m = new double[n];
        m[0] = d[0];
        m[n - 1] = d[n - 2];
        for (int i = 1; i < n - 1; i++) m[i] = d[i - 1] * d[i] <= 0 ? 0 : (d[i - 1] + d[i]) / 2;
        for (int i = 0; i < n - 1; i++)
        {
            if (d[i] == 0) { m[i] = 0; m[i + 1] = 0; continue; }
            double a = m[i] / d[i], b = m[i + 1] / d[i], r = a * a + b * b;
            if (r > 9)
            {
                double s = 3 / Math.Sqrt(r);
                m[i] = s * a * d[i];
                m[i + 1] = s * b * d[i];
            }
        }
        return m;
    }

    static double Hermite(double[] x, double[] y, double[] m, int i, double t)
    {
        double h = x[i + 1] - x[i], s = (t - x[i]) / h, s2 = s * s, s3 = s2 * s;
        return (2 * s3 - 3 * s2 + 1) * y[i] + (s3 - 2 * s2 + s) * h * m[i] + (-2 * s3 + 3 * s2) * y[i + 1] + (s3 - s2) * h * m[i + 1];
    }
}
