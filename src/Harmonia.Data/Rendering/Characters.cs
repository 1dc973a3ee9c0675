using Harmonia.Core.Randomness;

namespace Harmonia.Data.Rendering;

/// <summary>
/// The foreground categories of RdHarmony (human, bottle, cake, motorcycle, cow, couch), each a procedural model
/// composed of Blender primitives with sampled proportions, pose and colours. Models stand on z = 0 and face +x
/// before the scene places them (table-top items are lifted onto a table by <see cref="SceneSampler"/>).
/// </summary>
/// <param name="Name">Category name as written in the sidecar.</param>
/// <param name="Semantic">The iHarmony4 semantic class name (person, animal, food, vehicle, other).</param>
/// <param name="OnTable">Whether the model stands on a table (small items); the table is background.</param>
public sealed record CharacterCategory(string Name, string Semantic, bool OnTable);

/// <summary>Builds the procedural characters. Every model is this project's own work (licence: the project's).</summary>
public static class Characters
{
    /// <summary>Licence recorded for every procedural asset.</summary>
    public const string ProceduralLicence = "procedural (Harmonia's own, MIT)";

    /// <summary>The six categories of the paper, "human" first.</summary>
    public static IReadOnlyList<CharacterCategory> All { get; } =
    [
        new("human", "person", false),
        new("bottle", "other", true),
        new("cake", "food", true),
        new("motorcycle", "vehicle", false),
        new("cow", "animal", false),
        new("couch", "other", false),
    ];

    /// <summary>The category called <paramref name="name"/>, or null.</summary>
    public static CharacterCategory? Find(string name) => All.FirstOrDefault(c => c.Name == name.Trim().ToLowerInvariant());

    /// <summary>Adds the parts of a <paramref name="category"/> model to <paramref name="b"/> (local coordinates, base at z = 0).</summary>
    public static void Build(MeshBuilder b, CharacterCategory category, SeededRandom rng)
    {
        switch (category.Name)
        {
            case "human": Human(b, rng); break;
            case "bottle": Bottle(b, rng); break;
            case "cake": Cake(b, rng); break;
            case "motorcycle": Motorcycle(b, rng); break;
            case "cow": Cow(b, rng); break;
            case "couch": Couch(b, rng); break;
            default: throw new ArgumentException($"Unknown character category '{category.Name}'.", nameof(category));
        }
    }

    static readonly double[][] SkinTones =
    [
        [0.80, 0.56, 0.42], [0.70, 0.46, 0.33], [0.55, 0.34, 0.22], [0.38, 0.22, 0.13], [0.22, 0.12, 0.07], [0.88, 0.66, 0.53],
    ];
    static readonly double[][] HairColours = [[0.02, 0.015, 0.01], [0.12, 0.06, 0.03], [0.45, 0.3, 0.12], [0.5, 0.5, 0.5], [0.25, 0.1, 0.04]];
    static readonly double[][] PantsColours = [[0.05, 0.08, 0.2], [0.02, 0.02, 0.02], [0.35, 0.3, 0.18], [0.2, 0.2, 0.22], [0.3, 0.05, 0.05]];

    static void Human(MeshBuilder b, SeededRandom rng)
    {
        double h = rng.Uniform(1.55, 1.95);
        int skin = b.Material(MeshBuilder.Pick(rng, SkinTones), rng.Uniform(0.45, 0.6));
        int shirt = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0.1, 0.8), rng.Uniform(0.25, 0.95)), rng.Uniform(0.6, 0.9));
        int pants = b.Material(MeshBuilder.Pick(rng, PantsColours), rng.Uniform(0.6, 0.9));
        int hair = b.Material(MeshBuilder.Pick(rng, HairColours), rng.Uniform(0.4, 0.7));
        int shoes = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0, 0.3), rng.Uniform(0.05, 0.9)), rng.Uniform(0.3, 0.6));
        double hipZ = 0.50 * h, shoulderZ = 0.81 * h, hipX = 0.055 * h, shoulderX = 0.125 * h;
        double limb = 0.034 * h;
        // Legs: a walking stride (one foot forward) or standing.
        double stride = rng.Chance(0.5) ? rng.Uniform(0.05, 0.16) * h : 0;
        foreach (int side in new[] { -1, 1 })
        {
            double[] foot = [side * stride, side * hipX * 1.1, 0.045 * h];
            double[] knee = [side * stride * 0.5 + 0.01 * h, side * hipX, 0.27 * h];
            b.Capsule([0, side * hipX, hipZ], knee, limb * 1.25, pants);
            b.Capsule(knee, foot, limb, pants);
            b.Ellipsoid([foot[0] + 0.04 * h, foot[1], 0.025 * h], [0.15 * h, 0.06 * h, 0.05 * h], shoes);
        }
        b.Ellipsoid([0, 0, hipZ + 0.02 * h], [0.15 * h, 0.22 * h, 0.14 * h], pants);
        // Torso: chest and belly ellipsoids in the shirt.
        b.Ellipsoid([0, 0, 0.70 * h], [0.14 * h, 0.25 * h, 0.30 * h], shirt);
        b.Ellipsoid([0, 0, 0.60 * h], [0.13 * h, 0.21 * h, 0.18 * h], shirt);
        b.Rod([0, 0, shoulderZ], [0, 0, 0.88 * h], 0.028 * h, skin);
        b.Ellipsoid([0.005 * h, 0, 0.93 * h], [0.115 * h, 0.1 * h, 0.13 * h], skin);
        b.Ellipsoid([-0.008 * h, 0, 0.95 * h], [0.12 * h, 0.108 * h, 0.11 * h], hair);
        // Arms: upper arm in the shirt, forearm skin; each arm has its own swing and spread.
        foreach (int side in new[] { -1, 1 })
        {
            double swing = rng.Uniform(-0.5, 0.5), spread = rng.Uniform(0.08, rng.Chance(0.2) ? 1.6 : 0.45);
            double[] shoulder = [0, side * shoulderX, shoulderZ];
            double upper = 0.19 * h, fore = 0.17 * h;
            double[] elbow = [shoulder[0] + upper * Math.Sin(swing) * Math.Cos(spread), shoulder[1] + side * upper * Math.Sin(spread),
                shoulder[2] - upper * Math.Cos(swing) * Math.Cos(spread)];
            double bend = rng.Uniform(0, 0.9);
            double[] hand = [elbow[0] + fore * Math.Sin(swing + bend), elbow[1] + side * fore * Math.Sin(spread) * 0.8,
                elbow[2] - fore * Math.Cos(swing + bend)];
            b.Capsule(shoulder, elbow, limb * 1.1, shirt);
            b.Capsule(elbow, hand, limb * 0.9, skin);
            b.Ellipsoid(hand, [0.05 * h, 0.035 * h, 0.06 * h], skin);
        }
    }

    static void Bottle(MeshBuilder b, SeededRandom rng)
    {
        double h = rng.Uniform(0.22, 0.34), r = h * rng.Uniform(0.14, 0.2);
        double[][] glass = [[0.05, 0.25, 0.06], [0.3, 0.12, 0.03], [0.55, 0.62, 0.65], [0.05, 0.12, 0.35]];
        int body = b.Material(MeshBuilder.Pick(rng, glass), rng.Uniform(0.05, 0.2));
        int label = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0.2, 0.9), rng.Uniform(0.4, 1.0)), 0.5);
        int cap = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0, 0.8), rng.Uniform(0.3, 0.9)), 0.3, rng.Chance(0.5) ? 1 : 0);
        double shoulder = h * rng.Uniform(0.55, 0.68);
        b.Rod([0, 0, 0], [0, 0, shoulder], r, body);
        b.Rod([0, 0, shoulder * 0.3], [0, 0, shoulder * 0.75], r * 1.02, label);
        b.Rod([0, 0, shoulder], [0, 0, shoulder + (h - shoulder) * 0.9], r, body, "cone");
        b.Rod([0, 0, shoulder], [0, 0, h * 0.97], r * 0.32, body);
        b.Rod([0, 0, h * 0.93], [0, 0, h], r * 0.36, cap);
    }

    static void Cake(MeshBuilder b, SeededRandom rng)
    {
        double r = rng.Uniform(0.1, 0.17);
        int tiers = 1 + rng.NextInt(3);
        int sponge = b.Material(MeshBuilder.Hsv(rng.Uniform(0.02, 0.12), rng.Uniform(0.1, 0.7), rng.Uniform(0.35, 0.98)), 0.7);
        int icing = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0, 0.5), rng.Uniform(0.75, 1.0)), 0.35);
        int fruit = b.Material(MeshBuilder.Hsv(rng.Uniform(-0.03, 0.03), rng.Uniform(0.7, 1.0), rng.Uniform(0.5, 0.9)), 0.2);
        int plate = b.Material([0.85, 0.85, 0.85], 0.15);
        b.Rod([0, 0, 0], [0, 0, 0.012], r * 1.3, plate);
        double z = 0.012, tierR = r;
        for (int t = 0; t < tiers; t++)
        {
            double th = tierR * rng.Uniform(0.55, 0.8);
            b.Rod([0, 0, z], [0, 0, z + th], tierR, sponge);
            b.Rod([0, 0, z + th], [0, 0, z + th + 0.012], tierR * 1.01, icing);
            b.Wheel([0, 0, z + th], tierR * 2.05, 0.012, icing);
            z += th + 0.012;
            if (t < tiers - 1) tierR *= rng.Uniform(0.6, 0.75);
        }
        int cherries = 3 + rng.NextInt(6);
        for (int i = 0; i < cherries; i++)
        {
            double a = 2 * Math.PI * i / cherries;
            b.Ellipsoid([0.75 * tierR * Math.Cos(a), 0.75 * tierR * Math.Sin(a), z + 0.012], [0.024, 0.024, 0.024], fruit);
        }
    }

    static void Motorcycle(MeshBuilder b, SeededRandom rng)
    {
        double l = rng.Uniform(1.8, 2.2), wheel = rng.Uniform(0.56, 0.68);
        int paint = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0.5, 1.0), rng.Uniform(0.3, 0.95)), rng.Uniform(0.15, 0.35), 0.3);
        int tyre = b.Material([0.02, 0.02, 0.02], 0.8);
        int metal = b.Material([0.7, 0.7, 0.72], 0.25, 1);
        int seat = b.Material([0.03, 0.03, 0.03], 0.6);
        double rear = -0.36 * l, front = 0.36 * l, axle = wheel / 2;
        foreach (var x in new[] { rear, front })
        {
            b.Wheel([x, 0, axle], wheel, 0.055, tyre);
            b.Rod([x, -0.05, axle], [x, 0.05, axle], wheel * 0.22, metal);
        }
        b.Box([-0.02 * l, 0, axle + 0.05], [0.32 * l, 0.22, 0.28], metal); // engine
        b.Ellipsoid([0.08 * l, 0, axle + 0.36], [0.3 * l, 0.28, 0.2], paint); // tank
        b.Box([-0.2 * l, 0, axle + 0.33], [0.3 * l, 0.24, 0.08], seat);
        b.Box([-0.33 * l, 0, axle + 0.28], [0.18 * l, 0.2, 0.06], paint); // tail
        b.Rod([rear, 0, axle], [-0.05 * l, 0, axle + 0.22], 0.03, metal); // swingarm
        b.Rod([front, 0.07, axle], [0.26 * l, 0.07, axle + 0.55], 0.025, metal); // forks
        b.Rod([front, -0.07, axle], [0.26 * l, -0.07, axle + 0.55], 0.025, metal);
        b.Rod([0.25 * l, -0.35, axle + 0.6], [0.25 * l, 0.35, axle + 0.6], 0.018, metal); // handlebar
        b.Ellipsoid([0.31 * l, 0, axle + 0.5], [0.1, 0.16, 0.16], paint); // headlight housing
        b.Rod([-0.05 * l, 0.14, axle - 0.05], [-0.42 * l, 0.14, axle + 0.05], 0.04, metal); // exhaust
    }

    static void Cow(MeshBuilder b, SeededRandom rng)
    {
        double l = rng.Uniform(1.9, 2.4), legH = 0.32 * l, bodyH = 0.42 * l;
        double[][] coats = [[0.85, 0.85, 0.82], [0.35, 0.17, 0.07], [0.04, 0.03, 0.03], [0.6, 0.4, 0.22]];
        var coat = MeshBuilder.Pick(rng, coats);
        var patches = rng.Chance(0.6) ? new MaterialPattern(MeshBuilder.Pick(rng, coats), rng.Uniform(1.2, 2.5), 2, rng.Uniform(0.45, 0.55), 0.02) : null;
        int hide = b.Material(coat, 0.8, 0, patches);
        int hoof = b.Material([0.05, 0.04, 0.03], 0.6);
        int horn = b.Material([0.8, 0.75, 0.6], 0.4);
        int nose = b.Material([0.7, 0.45, 0.42], 0.5);
        double z = legH + bodyH / 2;
        b.Ellipsoid([0, 0, z], [l * 0.8, 0.34 * l, bodyH], hide);
        foreach (double x in new[] { -0.27 * l, 0.24 * l })
            foreach (int side in new[] { -1, 1 })
            {
                double[] top = [x, side * 0.1 * l, legH + 0.1 * l], foot = [x + rng.Uniform(-0.04, 0.04) * l, side * 0.1 * l, 0.05];
                b.Capsule(top, foot, 0.05 * l, hide);
                b.Rod([foot[0], foot[1], 0], [foot[0], foot[1], 0.06], 0.045 * l, hoof);
            }
        double headYaw = rng.Uniform(-0.6, 0.6), headDrop = rng.Uniform(-0.1, 0.25) * l;
        double hx = 0.45 * l * Math.Cos(headYaw), hy = 0.45 * l * Math.Sin(headYaw), hz = z + 0.12 * l - headDrop;
        b.Capsule([0.3 * l, 0, z + 0.05 * l], [hx, hy, hz], 0.09 * l, hide); // neck
        b.Ellipsoid([hx + 0.06 * l * Math.Cos(headYaw), hy + 0.06 * l * Math.Sin(headYaw), hz], [0.24 * l, 0.17 * l, 0.2 * l], hide);
        b.Ellipsoid([hx + 0.17 * l * Math.Cos(headYaw), hy + 0.17 * l * Math.Sin(headYaw), hz - 0.03 * l], [0.09 * l, 0.12 * l, 0.09 * l], nose);
        foreach (int side in new[] { -1, 1 })
            b.Rod([hx, hy + side * 0.05 * l, hz + 0.06 * l], [hx - 0.02 * l, hy + side * 0.12 * l, hz + 0.13 * l], 0.015 * l, horn, "cone");
        b.Rod([-0.37 * l, 0, z + 0.1 * l], [-0.42 * l, 0, legH * 0.6], 0.012 * l, hide); // tail
    }

    static void Couch(MeshBuilder b, SeededRandom rng)
    {
        double w = rng.Uniform(1.5, 2.3), d = rng.Uniform(0.8, 1.0), seatZ = rng.Uniform(0.38, 0.46);
        int fabric = b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0.1, 0.7), rng.Uniform(0.2, 0.8)), rng.Uniform(0.75, 0.95));
        int cushion = rng.Chance(0.5) ? fabric
            : b.Material(MeshBuilder.Hsv(rng.NextDouble(), rng.Uniform(0.1, 0.7), rng.Uniform(0.3, 0.9)), 0.85);
        int legs = b.Material([0.15, 0.08, 0.04], 0.5);
        double armW = 0.18;
        b.Box([0, 0, seatZ / 2 + 0.04], [d, w, seatZ - 0.08], fabric);
        b.Box([-d / 2 + 0.1, 0, seatZ + 0.25], [0.2, w, 0.6], fabric); // back
        foreach (int side in new[] { -1, 1 })
        {
            b.Box([0, side * (w / 2 - armW / 2), seatZ + 0.1], [d, armW, 0.35], fabric);
            foreach (double x in new[] { -d / 2 + 0.06, d / 2 - 0.06 })
                b.Rod([x, side * (w / 2 - 0.06), 0], [x, side * (w / 2 - 0.06), 0.08], 0.025, legs);
        }
        int seats = w > 1.9 ? 3 : 2;
        double inner = w - 2 * armW;
        for (int i = 0; i < seats; i++)
        {
            double y = -inner / 2 + inner * (i + 0.5) / seats;
            b.Box([0.05, y, seatZ + 0.06], [d - 0.25, inner / seats - 0.02, 0.14], cushion);
        }
    }
}
