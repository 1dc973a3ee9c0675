using Harmonia.Core.Randomness;

namespace Harmonia.Data.Rendering;

/// <summary>
/// Collects the parts and materials of a scene while objects are composed from primitives. Positions are metres,
/// z up; a capsule is a cylinder between two points capped by spheres.
/// </summary>
public sealed class MeshBuilder
{
    readonly List<MaterialSpec> _materials = [];
    List<MeshPart> _parts = [];

    /// <summary>The materials added so far (indices are what parts refer to).</summary>
    public IReadOnlyList<MaterialSpec> Materials => _materials;

    /// <summary>Adds a material; returns its index.</summary>
    public int Material(double[] color, double roughness, double metallic = 0, MaterialPattern? pattern = null)
    {
        _materials.Add(new MaterialSpec(color.Select(c => Math.Clamp(c, 0, 1)).ToArray(), roughness, metallic, pattern));
        return _materials.Count - 1;
    }

    /// <summary>Adds a primitive.</summary>
    public void Part(string shape, double[] location, double[] scale, int material, double[]? rotation = null, double ratio = 0) =>
        _parts.Add(new MeshPart(shape, location, rotation ?? [0, 0, 0], scale, material, ratio));

    /// <summary>A box centred at <paramref name="center"/> with full sizes <paramref name="size"/>.</summary>
    public void Box(double[] center, double[] size, int material, double yaw = 0) => Part("cube", center, size, material, [0, 0, yaw]);

    /// <summary>An ellipsoid centred at <paramref name="center"/> with full diameters <paramref name="size"/>.</summary>
    public void Ellipsoid(double[] center, double[] size, int material) => Part("sphere", center, size, material);

    /// <summary>A cylinder (or cone when <paramref name="shape"/> is "cone") from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public void Rod(double[] a, double[] b, double radius, int material, string shape = "cylinder")
    {
        double dx = b[0] - a[0], dy = b[1] - a[1], dz = b[2] - a[2];
        double length = Math.Sqrt(dx * dx + dy * dy + dz * dz);
        if (length < 1e-9) return;
        // Euler XYZ (Rz·Ry·Rx): tilt z by θ about y, then turn by φ about z, so z points along b - a.
        double theta = Math.Acos(Math.Clamp(dz / length, -1, 1)), phi = Math.Atan2(dy, dx);
        Part(shape, [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2], [2 * radius, 2 * radius, length], material, [0, theta, phi]);
    }

    /// <summary>A capsule (rounded rod) from <paramref name="a"/> to <paramref name="b"/>.</summary>
    public void Capsule(double[] a, double[] b, double radius, int material)
    {
        Rod(a, b, radius, material);
        Ellipsoid(a, [2 * radius, 2 * radius, 2 * radius], material);
        Ellipsoid(b, [2 * radius, 2 * radius, 2 * radius], material);
    }

    /// <summary>A torus (a wheel) centred at <paramref name="center"/>, outer diameter <paramref name="diameter"/>, axis along y.</summary>
    public void Wheel(double[] center, double diameter, double tube, int material)
    {
        double major = diameter / 2 - tube; // centre of the tube
        Part("torus", center, [major * 2, major * 2, major * 2], material, [Math.PI / 2, 0, 0], tube / major);
    }

    /// <summary>Ends the current object: its parts turned by <paramref name="yaw"/> about z and moved to <paramref name="at"/>.</summary>
    public IReadOnlyList<MeshPart> Take(double[] at, double yaw)
    {
        double c = Math.Cos(yaw), s = Math.Sin(yaw);
        var placed = _parts.Select(p => p with
        {
            Location = [at[0] + c * p.Location[0] - s * p.Location[1], at[1] + s * p.Location[0] + c * p.Location[1], at[2] + p.Location[2]],
            Rotation = [p.Rotation[0], p.Rotation[1], p.Rotation[2] + yaw],
        }).ToList();
        _parts = [];
        return placed;
    }

    /// <summary>A colour from hue (0-1), saturation and value, as linear RGB (value is squared: a rough sRGB decode).</summary>
    public static double[] Hsv(double h, double s, double v)
    {
        h = (h % 1 + 1) % 1 * 6;
        int i = (int)h;
        double f = h - i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
        double[] rgb = i switch { 0 => [v, t, p], 1 => [q, v, p], 2 => [p, v, t], 3 => [p, q, v], 4 => [t, p, v], _ => [v, p, q] };
        return rgb.Select(x => x * x).ToArray();
    }

    /// <summary>A random entry of <paramref name="palette"/> with a small brightness jitter.</summary>
    public static double[] Pick(SeededRandom rng, double[][] palette)
    {
        var c = palette[rng.NextInt(palette.Length)];
        double k = rng.Uniform(0.85, 1.15);
        return c.Select(x => x * k).ToArray();
    }
}
