using System.Text.Json;
using System.Text.Json.Serialization;

namespace Harmonia.Data.Rendering;

/// <summary>
/// One part of a procedural mesh: a Blender primitive of unit size (cube of side 1, sphere/cylinder/cone of
/// diameter 1 and height 1, torus of outer diameter about 1 with minor/major radius <see cref="Ratio"/>) placed by
/// <see cref="Location"/> (metres, z up), <see cref="Rotation"/> (XYZ Euler, radians) and <see cref="Scale"/>.
/// </summary>
public sealed record MeshPart(string Shape, double[] Location, double[] Rotation, double[] Scale, int Material, double Ratio = 0);

/// <summary>An object of the scene: the foreground character (pass index 1 in the index pass) or background.</summary>
/// <param name="Role">"character" or "background".</param>
/// <param name="Category">The character's category (human, bottle, ...), or the background kind (tree, building, ...).</param>
/// <param name="Licence">Asset licence: procedural meshes are the project's own work.</param>
public sealed record SceneObject(string Name, string Role, string Category, string Licence, IReadOnlyList<MeshPart> Parts);

/// <summary>Optional two-colour noise pattern of a material (ground texture, cow patches).</summary>
public sealed record MaterialPattern(double[] Color2, double Scale, double Detail, double Threshold, double Softness);

/// <summary>A Principled BSDF material: linear RGB base colour in [0, 1], roughness and metallic in [0, 1].</summary>
public sealed record MaterialSpec(double[] Color, double Roughness, double Metallic, MaterialPattern? Pattern = null);

/// <summary>A camera viewpoint: position, look-at target (metres), focal length for a 36 mm sensor.</summary>
public sealed record CameraSpec(double[] Location, double[] Target, double LensMm);

/// <summary>Sky of a style: Nishita sky (sun direction, air/dust/ozone density, gain) or, at night, a flat dark colour.</summary>
public sealed record SkySpec(double SunElevationDeg, double SunAzimuthDeg, double AirDensity, double DustDensity, double OzoneDensity,
    double Strength, double[] NightColor);

/// <summary>The sun (or the moon at night) as a sun lamp: irradiance (W/m²), angular diameter, blackbody temperature and tint.</summary>
public sealed record SunSpec(double ElevationDeg, double AzimuthDeg, double Strength, double AngleDeg, double TemperatureK, double[] Tint);

/// <summary>The cloud layer: cover in [0, 1], noise scale/offset, edge softness, opacity, colour and radiance.</summary>
public sealed record CloudSpec(double Cover, double Scale, double Offset, double Softness, double Opacity, double[] Color, double Radiance);

/// <summary>An artificial point light (night): position, power (W), radius (m), blackbody temperature.</summary>
public sealed record LampSpec(double[] Location, double Power, double Radius, double TemperatureK);

/// <summary>The lighting of one capture style in one scene (every number sampled inside the style's range).</summary>
/// <param name="Index">The style's label index, 1..10 (see <see cref="CaptureStyles.All"/>).</param>
/// <param name="SoftLabel">The render's soft style label (10 entries; see <see cref="CaptureStyles.SoftLabel"/>).</param>
/// <param name="Exposure">Film exposure in stops (a camera's partial auto-exposure).</param>
public sealed record StyleSpec(int Index, string Name, bool IsNight, SkySpec Sky, SunSpec Sun, CloudSpec Clouds,
    IReadOnlyList<LampSpec> Lamps, double Exposure, double[] SoftLabel);

/// <summary>
/// A whole scene as the Blender script reads it (JSON, snake_case): objects, materials, cameras and the 10 styles.
/// All randomness is sampled in C# (<see cref="SceneSampler"/>); the script only interprets this. The thread count is
/// not part of it (renders are identical for any count; it is passed to the script on the command line).
/// </summary>
/// <param name="Name">Scene stem, e.g. <c>rd00001</c>.</param>
/// <param name="NorthDeg">Rotation of the compass around z: sun azimuths are turned by it, so the sun's side varies per scene.</param>
/// <param name="Look">Filmic look name (e.g. "Medium Contrast").</param>
public sealed record SceneDescription(int Version, string Name, int Width, int Height, int Samples, int Seed,
    double NorthDeg, string Look, string Ground, IReadOnlyList<MaterialSpec> Materials, IReadOnlyList<SceneObject> Objects,
    IReadOnlyList<CameraSpec> Cameras, IReadOnlyList<StyleSpec> Styles)
{
    /// <summary>The character object (exactly one per scene).</summary>
    [JsonIgnore]
    public SceneObject Character => Objects.Single(o => o.Role == "character");

    /// <summary>JSON options of the scene files: snake_case names, no indentation.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    /// <summary>The scene as JSON (the Blender script's input).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
