using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Methods;

namespace Harmonia.Models.PHNet;

/// <summary>Registration of the <c>phnet</c> harmonizer: name, settings and factory.</summary>
public static class PHNetMethod
{
    /// <summary>Method name.</summary>
    public const string Name = "phnet";

    /// <summary>Default weights: <c>models/phnet.safetensors</c>, found by <see cref="ModelLocator"/>.</summary>
    public static readonly string DefaultModelPath = ModelLocator.Shipped("phnet.safetensors");

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "PHNet (patch-based normalization network) at a working resolution, its colour change transferred to full resolution by local affine colour models. Shipped: half width, 160 px working size with mirror averaging, trained here on harmonia-synth-v1, v2 and v3 (models/phnet.card.json).",
        [
            new("model", "PHNet weights: .safetensors with the config in its metadata, or an official PyTorch state dict (.pth/.pt/training checkpoint; config read from its shapes)", DefaultModelPath),
            new("size", "working resolution: long side in pixels (0 = the working size in the weights' metadata: the training size, or the size chosen for them at export)", "0"),
            new("cell", "grid cell of the full-resolution colour transfer, in working-resolution pixels", "8"),
            new("mirror", "average the network's outputs on the image and on its mirror image: true (twice the network time) or false (empty = as the weights' metadata says)", ""),
            new("transfer", "how the network's result reaches full resolution: affine (local affine colour models, keeps full-resolution detail) or direct (the network image resized bicubic and blended, as the official inference)", "affine"),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        var path = settings.GetString("model", DefaultModelPath)!;
        return new PHNetHarmonizer(
            ModelLocator.Find(path) ?? throw new HarmoniaException($"PHNet weights not found at '{path}' (set --set model=PATH)."),
            settings.GetInt("size", 0, 0, PHNetHarmonizer.MaxWorkingSize),
            settings.GetInt("cell", 8, 2, 256),
            settings.GetChoice("transfer", PHNetTransfer.Affine),
            settings.GetString("mirror", "") is "" ? null : settings.GetBool("mirror", false));
    }
}
