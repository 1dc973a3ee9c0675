using Harmonia.Core.Randomness;

namespace Harmonia.Data.Rendering;

/// <summary>What every scene of a build shares: image size, Cycles samples, viewpoints, categories.</summary>
/// <param name="Views">Camera viewpoints per scene (each gives its own group of 10 renders).</param>
/// <param name="Categories">Character categories, assigned to scenes in turn (scene n gets category (n-1) mod count).</param>
public sealed record SceneSettings(int Width, int Height, int Samples, int Views, IReadOnlyList<CharacterCategory> Categories);

/// <summary>
/// Samples a whole scene from (seed, scene number): ground, background objects (buildings, trees, rocks, lamp posts;
/// a table under table-top items), one character of the scene's category at the origin, camera viewpoints framing
/// it from around, and the 10 styles' lighting. Geometry, cameras and styles use separate generators keyed by the
/// scene name, so each is reproducible on its own.
/// </summary>
public static class SceneSampler
{
    /// <summary>Version of the scene format (the JSON the Blender script reads).</summary>
    public const int FormatVersion = 1;

    /// <summary>The scene stem of scene <paramref name="number"/> (1-based), e.g. <c>rd00001</c>.</summary>
    public static string SceneName(int number) => $"rd{number:D5}";

    static readonly (string Name, double[] A, double[] B, double Roughness)[] Grounds =
    [
        ("grass", [0.07, 0.17, 0.03], [0.14, 0.24, 0.05], 0.9),
        ("asphalt", [0.04, 0.04, 0.04], [0.09, 0.09, 0.085], 0.7),
        ("sand", [0.45, 0.37, 0.24], [0.58, 0.48, 0.33], 0.9),
        ("concrete", [0.26, 0.26, 0.24], [0.38, 0.37, 0.34], 0.8),
        ("dirt", [0.18, 0.12, 0.06], [0.27, 0.19, 0.11], 0.95),
    ];

    /// <summary>Samples scene <paramref name="number"/> of a build with seed <paramref name="seed"/>.</summary>
    public static SceneDescription Sample(int seed, int number, SceneSettings settings)
    {
        if (settings.Categories.Count == 0) throw new ArgumentException("At least one category.", nameof(settings));
        var name = SceneName(number);
        var rng = SeededRandom.FromKey(seed, "scene", name);
        var category = settings.Categories[(number - 1) % settings.Categories.Count];
        var b = new MeshBuilder();
        var objects = new List<SceneObject>();
        void Add(string objectName, string role, string kind, IReadOnlyList<MeshPart> parts) =>
            objects.Add(new SceneObject(objectName, role, kind, Characters.ProceduralLicence, parts));

        var ground = Grounds[rng.NextInt(Grounds.Length)];
        int groundMaterial = b.Material(ground.A, ground.Roughness, 0,
            new MaterialPattern(ground.B, rng.Uniform(0.2, 1.0), rng.Uniform(2, 8), rng.Uniform(0.4, 0.55), rng.Uniform(0.1, 0.3)));
        b.Box([0, 0, -0.5], [600, 600, 1], groundMaterial);
        Add("ground", "background", "ground", b.Take([0, 0, 0], 0));

        double baseZ = 0;
        if (category.OnTable)
        {
            baseZ = Table(b, rng);
            Add("table", "background", "table", b.Take([0, 0, 0], 0));
        }
        Characters.Build(b, category, SeededRandom.FromKey(seed, "character", name));
        var character = b.Take([0, 0, baseZ], rng.Uniform(0, 2 * Math.PI));
        Add(category.Name, "character", category.Name, character);

        var (center, radius) = Bounds(character);
        var cameras = Cameras(SeededRandom.FromKey(seed, "cameras", name), settings, category, center, radius);
        double clear = cameras.Max(c => Math.Sqrt(c.Location[0] * c.Location[0] + c.Location[1] * c.Location[1])) + 1.0;

        var lampPosts = new List<double[]>();
        int posts = 2 + rng.NextInt(2);
        for (int i = 0; i < posts; i++)
        {
            double a = rng.Uniform(0, 2 * Math.PI), r = radius + rng.Uniform(2.0, 5.0), h = rng.Uniform(3.2, 4.5);
            lampPosts.Add(LampPost(b, [r * Math.Cos(a), r * Math.Sin(a)], h));
            Add($"lamppost{i + 1}", "background", "lamp post", b.Take([0, 0, 0], 0));
        }
        int trees = 2 + rng.NextInt(6), buildings = rng.NextInt(5), rocks = rng.NextInt(5);
        for (int i = 0; i < trees; i++) { Tree(b, rng); Add($"tree{i + 1}", "background", "tree", b.Take(Ring(rng, clear + 3), rng.Uniform(0, 6.3))); }
        for (int i = 0; i < buildings; i++)
        {
            double w = rng.Uniform(4, 10), d = rng.Uniform(4, 10);
            Building(b, rng, w, d);
            Add($"building{i + 1}", "background", "building", b.Take(Ring(rng, clear + Math.Max(w, d) / 1.4), rng.Uniform(0, 6.3)));
        }
        for (int i = 0; i < rocks; i++)
        {
            int stone = b.Material(MeshBuilder.Hsv(rng.Uniform(0.05, 0.12), rng.Uniform(0, 0.2), rng.Uniform(0.3, 0.6)), 0.85);
            double s = rng.Uniform(0.3, 1.2);
            b.Ellipsoid([0, 0, s * 0.2], [s * rng.Uniform(1, 1.6), s, s * rng.Uniform(0.5, 0.8)], stone);
            Add($"rock{i + 1}", "background", "rock", b.Take(Ring(rng, clear + 0.8), rng.Uniform(0, 6.3)));
        }

        var styles = StyleSampler.Sample(SeededRandom.FromKey(seed, "styles", name), lampPosts);
        string[] looks = ["None", "Medium Contrast", "Medium High Contrast"];
        int cyclesSeed = (int)(SeededRandom.Hash(seed, "cycles", name) & 0x7FFFFFFF);
        return new SceneDescription(FormatVersion, name, settings.Width, settings.Height, settings.Samples, cyclesSeed,
            rng.Uniform(0, 360), looks[rng.NextInt(looks.Length)], ground.Name, b.Materials.ToList(), objects, cameras, styles);
    }

    /// <summary>A point at distance [<paramref name="min"/>, min + 30) m from the origin in a random direction, on the ground.</summary>
    static double[] Ring(SeededRandom rng, double min)
    {
        double a = rng.Uniform(0, 2 * Math.PI), r = min + rng.Uniform(0, 30);
        return [r * Math.Cos(a), r * Math.Sin(a), 0];
    }

    /// <summary>Axis-aligned bounds of parts (each part counted by its largest extent): centre and half-diagonal.</summary>
    public static (double[] Center, double Radius) Bounds(IReadOnlyList<MeshPart> parts)
    {
        double[] lo = [double.MaxValue, double.MaxValue, double.MaxValue], hi = [double.MinValue, double.MinValue, double.MinValue];
        foreach (var p in parts)
        {
            double e = p.Scale.Max() / 2;
            for (int k = 0; k < 3; k++) { lo[k] = Math.Min(lo[k], p.Location[k] - e); hi[k] = Math.Max(hi[k], p.Location[k] + e); }
        }
        double[] center = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2];
        double radius = 0.5 * Math.Sqrt(Enumerable.Range(0, 3).Sum(k => (hi[k] - lo[k]) * (hi[k] - lo[k])));
        return (center, radius);
    }

    /// <summary>
    /// Viewpoints spread around the character (first azimuth random, the others evenly apart with jitter), each at
    /// the distance where the character's bounding sphere fills 60-105 % of the frame's half-height, looking slightly
    /// down (more for table-top items), with the target jittered so the character is not always centred.
    /// </summary>
    static List<CameraSpec> Cameras(SeededRandom rng, SceneSettings settings, CharacterCategory category, double[] center, double radius)
    {
        var list = new List<CameraSpec>();
        double a0 = rng.Uniform(0, 360);
        double aspect = Math.Min(1.0, settings.Height / (double)settings.Width);
        for (int v = 0; v < settings.Views; v++)
        {
            double azimuth = (a0 + v * 360.0 / settings.Views + rng.Uniform(-20, 20)) * Math.PI / 180;
            double lens = rng.Uniform(32, 60);
            double halfFov = Math.Atan(18 * aspect / lens);
            double fill = rng.Uniform(0.6, 1.05);
            double distance = radius / (fill * Math.Tan(halfFov));
            double pitch = (category.OnTable ? rng.Uniform(15, 40) : rng.Uniform(-3, 18)) * Math.PI / 180;
            double[] target =
            [
                center[0] + rng.Uniform(-0.25, 0.25) * radius, center[1] + rng.Uniform(-0.25, 0.25) * radius,
                center[2] + rng.Uniform(-0.15, 0.15) * radius,
            ];
            double horizontal = distance * Math.Cos(pitch);
            double z = Math.Max(0.25, target[2] + distance * Math.Sin(pitch));
            list.Add(new CameraSpec([target[0] + horizontal * Math.Cos(azimuth), target[1] + horizontal * Math.Sin(azimuth), z], target, lens));
        }
        return list;
    }

    /// <summary>A wooden table at the origin; returns its top height.</summary>
    static double Table(MeshBuilder b, SeededRandom rng)
    {
        int wood = b.Material(MeshBuilder.Hsv(rng.Uniform(0.05, 0.1), rng.Uniform(0.3, 0.7), rng.Uniform(0.25, 0.7)), rng.Uniform(0.3, 0.6));
        double h = rng.Uniform(0.7, 0.78), w = rng.Uniform(0.9, 1.4), d = rng.Uniform(0.6, 0.9);
        b.Box([0, 0, h - 0.02], [w, d, 0.04], wood);
        foreach (int sx in new[] { -1, 1 })
            foreach (int sy in new[] { -1, 1 })
                b.Box([sx * (w / 2 - 0.05), sy * (d / 2 - 0.05), (h - 0.04) / 2], [0.05, 0.05, h - 0.04], wood);
        return h;
    }

    static double[] LampPost(MeshBuilder b, double[] at, double height)
    {
        int pole = b.Material([0.08, 0.08, 0.09], 0.4, 0.8);
        int glass = b.Material([0.9, 0.88, 0.8], 0.2);
        b.Rod([at[0], at[1], 0], [at[0], at[1], height], 0.06, pole);
        b.Ellipsoid([at[0], at[1], height + 0.12], [0.3, 0.3, 0.3], glass);
        return [at[0], at[1], height - 0.25];
    }

    static void Tree(MeshBuilder b, SeededRandom rng)
    {
        int bark = b.Material([0.12, 0.07, 0.04], 0.9);
        int leaves = b.Material(MeshBuilder.Hsv(rng.Uniform(0.2, 0.36), rng.Uniform(0.5, 0.9), rng.Uniform(0.25, 0.55)), 0.8);
        double trunk = rng.Uniform(1.5, 3.5), crown = rng.Uniform(2, 5);
        b.Rod([0, 0, 0], [0, 0, trunk + crown * 0.3], rng.Uniform(0.12, 0.3), bark);
        int blobs = 1 + rng.NextInt(3);
        for (int i = 0; i < blobs; i++)
        {
            double s = crown * rng.Uniform(0.7, 1.0);
            b.Ellipsoid([rng.Uniform(-0.4, 0.4), rng.Uniform(-0.4, 0.4), trunk + crown * 0.4 + i * 0.35 * crown], [s, s, s * rng.Uniform(0.8, 1.2)], leaves);
        }
    }

    static void Building(MeshBuilder b, SeededRandom rng, double w, double d)
    {
        double[][] walls = [[0.5, 0.45, 0.38], [0.35, 0.12, 0.07], [0.6, 0.6, 0.6], [0.25, 0.3, 0.35], [0.55, 0.42, 0.25]];
        int wall = b.Material(MeshBuilder.Pick(rng, walls), rng.Uniform(0.6, 0.9));
        int roof = b.Material([0.15, 0.1, 0.08], 0.7);
        int windows = b.Material([0.05, 0.07, 0.1], 0.1, 0.5);
        double h = rng.Uniform(4, 18);
        b.Box([0, 0, h / 2], [w, d, h], wall);
        b.Box([0, 0, h + 0.15], [w + 0.3, d + 0.3, 0.3], roof);
        int floors = Math.Max(1, (int)(h / 3));
        for (int f = 0; f < floors; f++)
            b.Box([0, 0, 1.6 + 3 * f], [w + 0.04, d + 0.04, 1.2], windows); // a band of windows per floor
    }
}
