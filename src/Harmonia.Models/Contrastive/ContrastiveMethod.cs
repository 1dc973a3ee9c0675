using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Methods;

namespace Harmonia.Models.Contrastive;

/// <summary>Registration of the <c>contrastive</c> harmonizer: name, settings and factory.</summary>
public static class ContrastiveMethod
{
    /// <summary>Method name (the paper gives its method no short name; it is known by its region-wise contrastive loss).</summary>
    public const string Name = "contrastive";

    /// <summary>Default weights: <c>models/contrastive.safetensors</c>, found by <see cref="ModelLocator"/>.</summary>
    public static readonly string DefaultModelPath = ModelLocator.Shipped("contrastive.safetensors");

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "Region-wise contrastive learning with external style fusion (Liang & Pun): a small residual U-Net with S2AM attention and style fusion at a working resolution, its colour change transferred to full resolution by local affine colour models (models/contrastive.card.json).",
        [
            new("model", "weights (.safetensors written by 'harmonia train contrastive', config in its metadata)", DefaultModelPath),
            new("size", "working resolution: long side in pixels (0 = the size the weights were trained at)", "0"),
            new("cell", "grid cell of the full-resolution colour transfer, in working-resolution pixels", "8"),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        var path = settings.GetString("model", DefaultModelPath)!;
        return new ContrastiveHarmonizer(
            ModelLocator.Find(path) ?? throw new HarmoniaException($"Contrastive weights not found at '{path}' (set --set model=PATH, or train them with 'harmonia train contrastive')."),
            settings.GetInt("size", 0, 0, ContrastiveHarmonizer.MaxWorkingSize),
            settings.GetInt("cell", 8, 2, 256));
    }
}
