using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Weights;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// Hyper-parameters of the region-wise contrastive harmonization network (<see cref="ContrastiveModel"/>).
/// <see cref="Width"/> is the channel count of the first encoder level (levels: Width, 2·Width, 4·Width, 8·Width at
/// 1/2, 1/4, 1/8, 1/16 of the input). <see cref="StyleFusion"/> adds the external style fusion (eqs. 1-7) to the three
/// decoder levels (ablation (a) runs without it). <see cref="EmbeddingSize"/> is the width of the shared two-layer
/// MLP of the contrastive loss (CUT: 256), part of the state dict so training can resume.
/// </summary>
public sealed record ContrastiveConfig(int Width = 16, bool StyleFusion = true, int EmbeddingSize = 256)
{
    /// <summary>Inputs must have H and W divisible by this (four stride-2 levels).</summary>
    public const int SizeMultiple = 16;

    /// <summary>Throws <see cref="ArgumentException"/> when the config cannot build a network.</summary>
    public void Validate()
    {
        if (Width is < 1 or > 256) throw new ArgumentException($"contrastive width must be 1-256, got {Width}.");
        if (EmbeddingSize is < 1 or > 4096) throw new ArgumentException($"contrastive embedding size must be 1-4096, got {EmbeddingSize}.");
    }

    /// <summary>The network a training run's settings describe (<c>width</c>, <c>no-fusion</c>): the one parser of these settings.</summary>
    public static ContrastiveConfig FromSettings(MethodSettings settings) =>
        new(settings.GetInt("width", 16, 1, 256), !settings.GetBool("no-fusion", false));
}

/// <summary>Reads and writes a <see cref="ContrastiveConfig"/> as string metadata of a weights file.</summary>
public static class ContrastiveConfigMetadata
{
    /// <summary>Metadata key of the training resolution (the harmonizer's default working size).</summary>
    public const string WorkingSize = "contrastive.working_size";

    const string WidthKey = "contrastive.width", FusionKey = "contrastive.style_fusion", EmbeddingKey = "contrastive.embedding";

    /// <summary>The config as metadata entries.</summary>
    public static Dictionary<string, string> ToMetadata(ContrastiveConfig config) => new()
    {
        [WidthKey] = config.Width.ToString(CultureInfo.InvariantCulture),
        [FusionKey] = config.StyleFusion ? "true" : "false",
        [EmbeddingKey] = config.EmbeddingSize.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The config stored in <paramref name="metadata"/>; a file without it is not contrastive weights.</summary>
    public static ContrastiveConfig FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.ContainsKey(WidthKey)) throw new HarmoniaException("no contrastive configuration in the metadata (not weights written by 'harmonia train contrastive').");
        // Metadata sizes the network: every number is bounded before anything is allocated from it.
        bool fusion = metadata.TryGetValue(FusionKey, out var f) ? f switch
        {
            "true" => true,
            "false" => false,
            _ => throw new HarmoniaException($"{FusionKey} must be true or false, got '{f}'."),
        } : true;
        return new ContrastiveConfig(WeightsMetadata.Int(metadata, WidthKey, 16, 1, 256), fusion, WeightsMetadata.Int(metadata, EmbeddingKey, 256, 1, 4096));
    }
}
