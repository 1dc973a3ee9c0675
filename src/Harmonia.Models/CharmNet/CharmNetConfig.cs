using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Models.Weights;

namespace Harmonia.Models.CharmNet;

/// <summary>
/// Hyper-parameters of CharmNet (<see cref="CharmNetModel"/>). <see cref="Width"/> is iDIH's <c>ngf</c> (official 64;
/// 32 here, sized for a CPU), <see cref="Depth"/> the generator's seven stride-2 levels (official
/// <c>generator_depth</c>), <see cref="UnsharedDepth"/> the domain-specific encoder/decoder levels (official
/// <c>unshared_layers</c> = 4), <see cref="ClassifierWidth"/> the style classifiers' <c>ndf</c> (official 64),
/// <see cref="Styles"/> the capture styles (RdHarmony: 10).
/// </summary>
public sealed record CharmNetConfig(int Width = 32, int Depth = 7, int UnsharedDepth = 4, int ClassifierWidth = 64, int Styles = 10)
{
    /// <summary>Inputs must have H and W divisible by this: 2^Depth (every level halves the image; see <see cref="CharmNetGenerator"/>).</summary>
    public int SizeMultiple => 1 << Depth;

    /// <summary>Channels of the domain-specific encoder's output, where the discriminator and SC1 look (official <c>2^((unshared−1)/2)·ngf</c>).</summary>
    public int DomainFeatureChannels => (1 << ((UnsharedDepth - 1) / 2)) * Width;

    /// <summary>Throws <see cref="ArgumentException"/> when the config cannot build a network.</summary>
    public void Validate()
    {
        if (Width is < 2 or > 128) throw new ArgumentException($"charmnet width must be 2-128, got {Width}.");
        if (Depth is < 3 or > 8) throw new ArgumentException($"charmnet depth must be 3-8, got {Depth}.");
        if (UnsharedDepth < 2 || UnsharedDepth >= Depth) throw new ArgumentException($"charmnet unshared depth must be 2 to depth-1, got {UnsharedDepth}.");
        if (ClassifierWidth is < 4 or > 512) throw new ArgumentException($"charmnet classifier width must be 4-512, got {ClassifierWidth}.");
        if (Styles is < 2 or > 64) throw new ArgumentException($"charmnet styles must be 2-64, got {Styles}.");
    }

    /// <summary>The network a training run's settings describe (<c>width</c>, <c>classifier-width</c>).</summary>
    public static CharmNetConfig FromSettings(MethodSettings settings) =>
        new(settings.GetInt("width", 32, 2, 128), ClassifierWidth: settings.GetInt("classifier-width", 64, 4, 512));
}

/// <summary>Reads and writes a <see cref="CharmNetConfig"/> as string metadata of a weights file.</summary>
public static class CharmNetConfigMetadata
{
    /// <summary>Metadata key of the training resolution (the harmonizer's default working size).</summary>
    public const string WorkingSize = "charmnet.working_size";

    const string WidthKey = "charmnet.width", DepthKey = "charmnet.depth", UnsharedKey = "charmnet.unshared_depth",
        ClassifierKey = "charmnet.classifier_width", StylesKey = "charmnet.styles";

    /// <summary>The config as metadata entries.</summary>
    public static Dictionary<string, string> ToMetadata(CharmNetConfig config) => new()
    {
        [WidthKey] = config.Width.ToString(CultureInfo.InvariantCulture),
        [DepthKey] = config.Depth.ToString(CultureInfo.InvariantCulture),
        [UnsharedKey] = config.UnsharedDepth.ToString(CultureInfo.InvariantCulture),
        [ClassifierKey] = config.ClassifierWidth.ToString(CultureInfo.InvariantCulture),
        [StylesKey] = config.Styles.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The config stored in <paramref name="metadata"/>; a file without it is not CharmNet weights.</summary>
    public static CharmNetConfig FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.ContainsKey(WidthKey)) throw new HarmoniaException("no CharmNet configuration in the metadata (not weights written by 'harmonia train charmnet').");
        // Metadata sizes the network: every number is bounded before anything is allocated from it.
        return new CharmNetConfig(
            WeightsMetadata.Int(metadata, WidthKey, 32, 2, 128),
            WeightsMetadata.Int(metadata, DepthKey, 7, 3, 8),
            WeightsMetadata.Int(metadata, UnsharedKey, 4, 2, 7),
            WeightsMetadata.Int(metadata, ClassifierKey, 64, 4, 512),
            WeightsMetadata.Int(metadata, StylesKey, 10, 2, 64));
    }
}
