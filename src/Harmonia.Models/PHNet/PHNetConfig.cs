using Harmonia.Core.Methods;
using Harmonia.Core.Errors;
using Harmonia.Models.Weights;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet hyper-parameters. <see cref="EncoderChannels"/> are the 7 channel counts from the input (3) to the
/// bottleneck (official iHarmony config: 3, 16, 32, 64, 128, 256, 512). <see cref="NormalizerGrids"/> are the PN grids
/// of the last decoder layers (paper: 3x3, 4x4, 5x5 for layers 4, 5, 6). <see cref="FeatureExtractorGrid"/> is the
/// PFE grid (paper: 5x5 = 25 patches). <see cref="Output"/> says how the last decoder layer becomes an image.
/// </summary>
public sealed record PHNetConfig(int[] EncoderChannels, int[] NormalizerGrids, int FeatureExtractorGrid = 5, int SeReduction = 8,
    PHNetOutput Output = PHNetOutput.Residual)
{
    /// <summary>The paper's full-width configuration (with our residual output; see <see cref="PHNetOutput"/>).</summary>
    public static PHNetConfig Official => new([3, 16, 32, 64, 128, 256, 512], [3, 4, 5]);

    /// <summary>Encoder widths divided by <paramref name="divisor"/> (input stays 3 channels).</summary>
    public static PHNetConfig Scaled(int divisor, PHNetOutput output = PHNetOutput.Residual) =>
        new(Official.EncoderChannels.Select((c, i) => i == 0 ? c : Math.Max(1, c / divisor)).ToArray(), [3, 4, 5], Output: output);

    /// <summary>Which computation the modules follow (Harmonia's default, or the official code for its checkpoints).</summary>
    public PHNetVariant Variant { get; init; } = PHNetVariant.Harmonia;

    /// <summary>Inputs must have H and W divisible by this (three stride-2 stages).</summary>
    public const int SizeMultiple = 8;

    /// <summary>Throws <see cref="ArgumentException"/> when the config cannot build a network.</summary>
    public void Validate()
    {
        if (EncoderChannels.Length != 7 || EncoderChannels[0] != 3 || EncoderChannels.Any(c => c < 1))
            throw new ArgumentException("PHNet needs 7 positive encoder channel counts starting with 3.");
        if (NormalizerGrids.Length is < 1 or > 6 || NormalizerGrids.Any(g => g < 1))
            throw new ArgumentException("PHNet needs 1 to 6 PN grid sizes >= 1.");
        if (FeatureExtractorGrid < 1) throw new ArgumentException("PFE grid must be >= 1.");
    }
}

/// <summary>Reads and writes a <see cref="PHNetConfig"/> as string metadata of a weights file.</summary>
public static class PHNetConfigMetadata
{
    /// <summary>Metadata key of the training resolution (the harmonizer's default working size).</summary>
    public const string WorkingSize = "phnet.working_size";

    /// <summary>
    /// Metadata key of the harmonizer's default for mirror averaging ("true"/"false"; absent = false). Like the working
    /// size it is an inference choice that travels with the weights: chosen on a validation split for those weights.
    /// </summary>
    public const string MirrorAverage = "phnet.mirror_average";

    const string Channels = "phnet.encoder_channels", Grids = "phnet.normalizer_grids", Pfe = "phnet.pfe_grid",
        Reduction = "phnet.se_reduction", OutputKey = "phnet.output";

    /// <summary>The config as metadata entries.</summary>
    public static Dictionary<string, string> ToMetadata(PHNetConfig config) => new()
    {
        [Channels] = string.Join(",", config.EncoderChannels),
        [Grids] = string.Join(",", config.NormalizerGrids),
        [Pfe] = config.FeatureExtractorGrid.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [Reduction] = config.SeReduction.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [OutputKey] = EnumNames.Of(config.Output),
    };

    /// <summary>The config stored in <paramref name="metadata"/>, or null when the file carries none.</summary>
    public static PHNetConfig? FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.ContainsKey(Channels)) return null;
        // Metadata sizes the network: every number is bounded before anything is allocated from it.
        var config = new PHNetConfig(WeightsMetadata.IntList(metadata, Channels, [], 1, 4096, 7),
            WeightsMetadata.IntList(metadata, Grids, [3, 4, 5], 1, 32, 6),
            WeightsMetadata.Int(metadata, Pfe, 5, 1, 32),
            WeightsMetadata.Int(metadata, Reduction, 8, 1, 4096),
            // Files written before the output key existed were sigmoid networks.
            metadata.TryGetValue(OutputKey, out var o)
                ? EnumNames.TryParse<PHNetOutput>(o, out var output) ? output : throw new HarmoniaException($"Unknown phnet.output '{o}' ({EnumNames.Choices<PHNetOutput>()}).")
                : PHNetOutput.Sigmoid);
        try { config.Validate(); }
        catch (ArgumentException e) { throw new HarmoniaException($"weights metadata: {e.Message}"); }
        config.Validate();
        return config;
    }

    /// <summary>
    /// The network a training run's settings describe (<c>width</c>: divisor of the official channel widths, 1-16;
    /// <c>output</c>: residual or sigmoid): the one parser of these settings.
    /// </summary>
    public static PHNetConfig FromSettings(MethodSettings settings) =>
        PHNetConfig.Scaled(settings.GetInt("width", 1, 1, 16), settings.GetChoice("output", PHNetOutput.Residual));
}

/// <summary>Which PHNet computation a network follows; both have the official parameter names.</summary>
public enum PHNetVariant
{
    /// <summary>
    /// Harmonia's (trained here): masked PFE statistics, area-downsampled masks, one PN block (paper eqs. 2-12, with
    /// <c>bg_skip</c> and <c>grid_var_weights</c>) on each of the last <c>NormalizerGrids.Length</c> decoder layers.
    /// </summary>
    Harmonia,

    /// <summary>
    /// The official code (befozg/PHNet), for its checkpoints: PFE statistics over the zero-filled fg/bg images
    /// (unbiased), the official background /255 in the PFE blend, nearest-downsampled masks, the official PN block
    /// (<see cref="OfficialPatchNormalizer"/>) applied from decoder layer 7 − <c>NormalizerGrids.Length</c> on (so with
    /// grids 10, 5, 1 only the first two run), seven skip convs (<c>skip.N.rconv</c>, the last unused), sigmoid output.
    /// </summary>
    Official,
}

/// <summary>How PHNet's last decoder layer (3 channels, no activation) becomes the predicted image.</summary>
public enum PHNetOutput
{
    /// <summary>
    /// Official code: <c>sigmoid(d)</c>. The network must learn to reproduce the whole image, which on this CPU's
    /// budget it did not do well enough (an early run stayed worse than the unchanged composite).
    /// </summary>
    Sigmoid,

    /// <summary>
    /// Our default, a deviation from the paper and the official code: <c>image + d</c>, with the last layer
    /// initialised to zero so training starts at the identity (the composite) and only has to learn the change.
    /// Values may leave [0, 1] during training; inference clamps them.
    /// </summary>
    Residual,
}
