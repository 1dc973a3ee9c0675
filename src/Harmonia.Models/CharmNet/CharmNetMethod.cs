using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Methods;

namespace Harmonia.Models.CharmNet;

/// <summary>Registration of the <c>charmnet</c> harmonizer: name, settings and factory.</summary>
public static class CharmNetMethod
{
    /// <summary>Method name (the paper's).</summary>
    public const string Name = "charmnet";

    /// <summary>Default weights: <c>models/charmnet.safetensors</c>, found by <see cref="ModelLocator"/>.</summary>
    public static readonly string DefaultModelPath = ModelLocator.Shipped("charmnet.safetensors");

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "CharmNet (Cao, Cong & Niu, BMVC 2022): iDIH split into domain-specific and shared stages, trained on real synthetic pairs and Blender-rendered RdHarmony pairs; its real-domain path at a working resolution, the colour change transferred to full resolution by local affine colour models (models/charmnet.card.json).",
        [
            new("model", "weights (.safetensors written by 'harmonia train charmnet', config in its metadata)", DefaultModelPath),
            new("size", "working resolution: long side in pixels (0 = the size the weights were trained at)", "0"),
            new("cell", "grid cell of the full-resolution colour transfer, in working-resolution pixels", "8"),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        var path = settings.GetString("model", DefaultModelPath)!;
        return new CharmNetHarmonizer(
            ModelLocator.Find(path) ?? throw new HarmoniaException($"CharmNet weights not found at '{path}' (set --set model=PATH, or train them with 'harmonia train charmnet')."),
            settings.GetInt("size", 0, 0, CharmNetHarmonizer.MaxWorkingSize),
            settings.GetInt("cell", 8, 2, 256));
    }
}
