using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Methods;

namespace Harmonia.Models.PIH;

/// <summary>PIH hyper-parameters (see <see cref="PIHModel"/> for what each part is).</summary>
/// <param name="Nodes">Curve nodes per channel (official <c>pl-dim</c>: 32).</param>
/// <param name="InputSize">Side of the curve net's square inputs (fg crop and bg thumbnails through the frozen ResNet-18).</param>
/// <param name="GainSize">Side of the gain net's square input and of its gain grid (a multiple of 8).</param>
/// <param name="GainChannels">Width of the gain U-Net's first level (official <c>UNet_mask</c>: 32, light: 8).</param>
/// <param name="Hidden">Hidden width of the curve head.</param>
/// <param name="GainOffset">Lowest gain: gain = offset + (1 − offset)·sigmoid (official <c>maskoffset</c>; Harmonia uses 0.5 in training and inference alike).</param>
/// <param name="FreePixel">
/// Ablation only: the gain net predicts a free per-pixel RGB residual instead of curves + gain (no parametric
/// constraint), for the adversarial stability comparison; such weights are refused by the harmonizer.
/// </param>
public sealed record PIHConfig(int Nodes = 32, int InputSize = 128, int GainSize = 64, int GainChannels = 16, int Hidden = 256,
    double GainOffset = 0.5, bool FreePixel = false)
{
    /// <summary>The configuration training settings describe (keys of <c>harmonia train pih</c>'s own options). The one parser of them.</summary>
    public static PIHConfig FromSettings(MethodSettings settings) => Checked(new PIHConfig(
        Nodes: settings.GetInt("nodes", 32, 2, 256),
        InputSize: settings.GetInt("input-size", 128, 32, 512),
        GainSize: settings.GetInt("gain-size", 64, 8, 512),
        GainChannels: settings.GetInt("gain-channels", 16, 2, 128),
        Hidden: settings.GetInt("hidden", 256, 8, 4096),
        GainOffset: settings.GetDouble("gain-offset", 0.5, 0, 0.99),
        FreePixel: settings.GetBool("free-pixel", false)));

    static PIHConfig Checked(PIHConfig c) => c.GainSize % 8 == 0 ? c
        : throw new UsageException($"gain-size must be a multiple of 8 (the gain U-Net halves it three times), got {c.GainSize}.");

    /// <summary>The configuration as weights metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata() => new Dictionary<string, string>
    {
        ["method"] = PIHMethod.Name,
        ["nodes"] = Nodes.ToString(CultureInfo.InvariantCulture),
        ["input_size"] = InputSize.ToString(CultureInfo.InvariantCulture),
        ["gain_size"] = GainSize.ToString(CultureInfo.InvariantCulture),
        ["gain_channels"] = GainChannels.ToString(CultureInfo.InvariantCulture),
        ["hidden"] = Hidden.ToString(CultureInfo.InvariantCulture),
        ["gain_offset"] = GainOffset.ToString("R", CultureInfo.InvariantCulture),
        ["free_pixel"] = FreePixel ? "true" : "false",
    };

    /// <summary>Reads <see cref="Metadata"/> back; every value is range-checked before a network is built from it.</summary>
    public static PIHConfig FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        if (!metadata.TryGetValue("method", out var method) || method != PIHMethod.Name)
            throw new HarmoniaException("the file's metadata does not say method=pih; it is not a PIH weights file.");
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, setting) in new[] { ("nodes", "nodes"), ("input_size", "input-size"), ("gain_size", "gain-size"), ("gain_channels", "gain-channels"), ("hidden", "hidden"), ("gain_offset", "gain-offset"), ("free_pixel", "free-pixel") })
            if (metadata.TryGetValue(key, out var v)) pairs.Add(new(setting, v));
        try { return FromSettings(MethodSettings.From(pairs)); }
        catch (UsageException e) { throw new HarmoniaException("bad metadata: " + e.Message); }
    }
}
