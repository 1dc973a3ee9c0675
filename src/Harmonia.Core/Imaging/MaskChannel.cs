using Harmonia.Core.Errors;

namespace Harmonia.Core.Imaging;

/// <summary>Which channel of a mask image holds the mask (the CLI's <c>--mask-channel</c>).</summary>
public enum MaskChannel
{
    /// <summary>
    /// Decided by content: the alpha channel when it carries a mask — some pixels at or above the mask threshold and
    /// some below it — else the luminance. An alpha that is opaque or nearly so everywhere (e.g. 217–255 while the
    /// mask is in RGB) is ignored.
    /// </summary>
    Auto,

    /// <summary>(0.299 R + 0.587 G + 0.114 B) / 255, the alpha channel ignored.</summary>
    Luminance,

    /// <summary>alpha / 255 (an image without alpha reads as fully opaque, i.e. all foreground).</summary>
    Alpha,

    /// <summary>R / 255.</summary>
    Red,
}

/// <summary>Names of <see cref="MaskChannel"/> on the command line.</summary>
public static class MaskChannels
{
    /// <summary>The accepted names: auto, luminance, alpha, red.</summary>
    public static IReadOnlyList<string> Names { get; } = ["auto", "luminance", "alpha", "red"];

    /// <summary>Parses a name; <see cref="UsageException"/> for anything else.</summary>
    public static MaskChannel Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => MaskChannel.Auto,
        "luminance" => MaskChannel.Luminance,
        "alpha" => MaskChannel.Alpha,
        "red" => MaskChannel.Red,
        _ => throw new UsageException($"--mask-channel must be one of {string.Join(", ", Names)}, got '{name}'."),
    };
}
