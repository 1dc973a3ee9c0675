using Harmonia.Core.Imaging;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Shapes;

/// <summary>Kinds of generated foreground shapes.</summary>
public enum ShapeKind
{
    /// <summary>A smooth blob: a circle whose radius is modulated by low-frequency harmonics.</summary>
    Blob,
    /// <summary>A random star-shaped polygon (5-10 vertices).</summary>
    Polygon,
    /// <summary>Silhouette of a sphere or ellipsoid: a rotated ellipse.</summary>
    Sphere,
    /// <summary>Silhouette of a rotated box: the convex hull of its 8 projected corners.</summary>
    Box,
    /// <summary>Silhouette of a tilted cylinder: the hull of its two projected end circles.</summary>
    Cylinder,
    /// <summary>Silhouette of a tilted cone: the hull of the apex and the projected base circle.</summary>
    Cone,
}

/// <summary>A generated mask and what it is.</summary>
public sealed record GeneratedShape(Mask Mask, ShapeKind Kind, IReadOnlyDictionary<string, object> Parameters);

/// <summary>
/// Generates foreground masks for photos that have no annotation: smooth blobs, polygons and shading-free silhouettes of
/// simple 3D primitives (sphere, box, cylinder, cone) under orthographic projection with a random rotation. The target
/// area is U[5%, 35%] of the image, the centre is random with the shape kept mostly inside. Edges are antialiased by
/// 4x4 supersampling, so alpha is soft only on the boundary. Deterministic for a given <see cref="SeededRandom"/>.
/// </summary>
public static class ShapeMaskGenerator
{
    const int Supersample = 4;

    /// <summary>Generates one mask of size <paramref name="width"/> x <paramref name="height"/>; a random kind when <paramref name="kind"/> is null.</summary>
    public static GeneratedShape Generate(int width, int height, SeededRandom rng, ShapeKind? kind = null)
    {
        var k = kind ?? (ShapeKind)rng.NextInt(Enum.GetValues<ShapeKind>().Length);
        double area = rng.Uniform(0.05, 0.35);
        // Shapes are built in a unit frame (about radius 1) then scaled so their area is close to the target.
        Func<double, double, bool> inside;
        double unitArea;
        var p = new Dictionary<string, object> { ["kind"] = k.ToString().ToLowerInvariant(), ["target_area"] = area };
        switch (k)
        {
            case ShapeKind.Blob:
            {
                var amp = new double[6];
                var phase = new double[6];
                for (int h = 2; h < 6; h++) { amp[h] = rng.Uniform(-0.25, 0.25) / (h - 1); phase[h] = rng.Uniform(0, 2 * Math.PI); }
                double Radius(double t) { double r = 1; for (int h = 2; h < 6; h++) r += amp[h] * Math.Cos(h * t + phase[h]); return Math.Max(0.2, r); }
                inside = (x, y) => Math.Sqrt(x * x + y * y) <= Radius(Math.Atan2(y, x));
                unitArea = IntegratePolar(Radius);
                break;
            }
            case ShapeKind.Polygon:
            {
                int n = 5 + rng.NextInt(6);
                var pts = new List<(double X, double Y)>();
                var angles = Enumerable.Range(0, n).Select(_ => rng.Uniform(0, 2 * Math.PI)).Order().ToArray();
                foreach (var a in angles) { double r = rng.Uniform(0.5, 1.0); pts.Add((r * Math.Cos(a), r * Math.Sin(a))); }
                inside = (x, y) => InPolygon(pts, x, y);
                unitArea = PolygonArea(pts);
                p["vertices"] = n;
                break;
            }
            case ShapeKind.Sphere:
            {
                double aspect = rng.Uniform(0.6, 1.0), rot = rng.Uniform(0, Math.PI);
                double c = Math.Cos(rot), s = Math.Sin(rot);
                inside = (x, y) => { double u = c * x + s * y, v = -s * x + c * y; return u * u + v * v / (aspect * aspect) <= 1; };
                unitArea = Math.PI * aspect;
                p["aspect"] = aspect;
                break;
            }
            default:
            {
                var hull = ConvexHull(PrimitivePoints(k, rng, p));
                inside = (x, y) => InPolygon(hull, x, y);
                unitArea = PolygonArea(hull);
                break;
            }
        }
        double scale = Math.Sqrt(area * width * height / Math.Max(1e-6, unitArea));
        // Keep the centre so that at least most of a radius-`scale` disk stays inside the frame.
        double mx = Math.Min(width / 2.0, scale * 0.8), my = Math.Min(height / 2.0, scale * 0.8);
        double cx = rng.Uniform(mx, Math.Max(mx, width - mx)), cy = rng.Uniform(my, Math.Max(my, height - my));
        var alpha = new float[width * height];
        Parallel.For(0, height, y =>
        {
            for (int x = 0; x < width; x++)
            {
                int hits = 0;
                for (int sy = 0; sy < Supersample; sy++)
                for (int sx = 0; sx < Supersample; sx++)
                {
                    double px = (x + (sx + 0.5) / Supersample - cx) / scale, py = (y + (sy + 0.5) / Supersample - cy) / scale;
                    if (inside(px, py)) hits++;
                }
                alpha[y * width + x] = hits / (float)(Supersample * Supersample);
            }
        });
        return new GeneratedShape(new Mask(width, height, alpha), k, p);
    }

    /// <summary>Projected 2D points of a box, cylinder or cone with a random size and rotation (orthographic, view along z).</summary>
    static List<(double X, double Y)> PrimitivePoints(ShapeKind kind, SeededRandom rng, Dictionary<string, object> p)
    {
        var pts3 = new List<(double X, double Y, double Z)>();
        switch (kind)
        {
            case ShapeKind.Box:
            {
                double a = rng.Uniform(0.4, 1), b = rng.Uniform(0.4, 1), c = rng.Uniform(0.4, 1);
                foreach (var sx in new[] { -1, 1 }) foreach (var sy in new[] { -1, 1 }) foreach (var sz in new[] { -1, 1 })
                    pts3.Add((sx * a, sy * b, sz * c));
                p["size"] = $"{a:F2}x{b:F2}x{c:F2}";
                break;
            }
            case ShapeKind.Cylinder:
            case ShapeKind.Cone:
            {
                double r = rng.Uniform(0.35, 0.8), h = rng.Uniform(0.6, 1.2);
                for (int i = 0; i < 48; i++)
                {
                    double t = 2 * Math.PI * i / 48;
                    pts3.Add((r * Math.Cos(t), r * Math.Sin(t), -h));
                    if (kind == ShapeKind.Cylinder) pts3.Add((r * Math.Cos(t), r * Math.Sin(t), h));
                }
                if (kind == ShapeKind.Cone) pts3.Add((0, 0, h));
                p["radius"] = r;
                p["half_height"] = h;
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
        double yaw = rng.Uniform(0, 2 * Math.PI), pitch = rng.Uniform(-Math.PI / 2, Math.PI / 2), roll = rng.Uniform(0, 2 * Math.PI);
        p["rotation"] = $"{yaw:F2},{pitch:F2},{roll:F2}";
        return pts3.Select(q => Rotate(q, yaw, pitch, roll)).Select(q => (q.X, q.Y)).ToList();
    }

    static (double X, double Y, double Z) Rotate((double X, double Y, double Z) q, double yaw, double pitch, double roll)
    {
        var (x, y, z) = q;
        (x, y) = (Math.Cos(yaw) * x - Math.Sin(yaw) * y, Math.Sin(yaw) * x + Math.Cos(yaw) * y);
        (y, z) = (Math.Cos(pitch) * y - Math.Sin(pitch) * z, Math.Sin(pitch) * y + Math.Cos(pitch) * z);
        (x, z) = (Math.Cos(roll) * x + Math.Sin(roll) * z, -Math.Sin(roll) * x + Math.Cos(roll) * z);
        return (x, y, z);
    }

    /// <summary>Andrew's monotone chain convex hull, counter-clockwise.</summary>
    public static List<(double X, double Y)> ConvexHull(IEnumerable<(double X, double Y)> points)
    {
        var pts = points.Distinct().OrderBy(q => q.X).ThenBy(q => q.Y).ToList();
        if (pts.Count < 3) return pts;
        static double Cross((double X, double Y) o, (double X, double Y) a, (double X, double Y) b) =>
            (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
        var hull = new List<(double X, double Y)>();
        foreach (var pass in new[] { pts, Enumerable.Reverse(pts).ToList() })
        {
            int start = hull.Count;
            foreach (var q in pass)
            {
                while (hull.Count >= start + 2 && Cross(hull[^2], hull[^1], q) <= 0) hull.RemoveAt(hull.Count - 1);
                hull.Add(q);
            }
            hull.RemoveAt(hull.Count - 1);
        }
        return hull;
    }

    /// <summary>Even-odd point-in-polygon test.</summary>
    public static bool InPolygon(IReadOnlyList<(double X, double Y)> poly, double x, double y)
    {
        bool inside = false;
        for (int i = 0, j = poly.Count - 1; i < poly.Count; j = i++)
        {
            var (xi, yi) = poly[i];
            var (xj, yj) = poly[j];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    static double PolygonArea(IReadOnlyList<(double X, double Y)> poly)
    {
        double a = 0;
        for (int i = 0, j = poly.Count - 1; i < poly.Count; j = i++) a += poly[j].X * poly[i].Y - poly[i].X * poly[j].Y;
        return Math.Abs(a) / 2;
    }

    static double IntegratePolar(Func<double, double> radius)
    {
        const int n = 720;
        double a = 0;
        for (int i = 0; i < n; i++) { double r = radius(2 * Math.PI * (i + 0.5) / n); a += 0.5 * r * r * (2 * Math.PI / n); }
        return a;
    }
}
