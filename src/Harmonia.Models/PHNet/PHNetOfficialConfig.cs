using Harmonia.Core.Errors;

namespace Harmonia.Models.PHNet;

/// <summary>
/// The configuration of an official PHNet state dict (befozg/PHNet; no Harmonia metadata), read from its tensor
/// names and shapes: encoder widths from <c>encoder.N.0.weight</c>, PN grids from <c>normalizers.K.grid_weights</c>
/// (1, C, G, G), the SE reduction from <c>SE_block.fc.0.weight</c>; the PFE grid is the official constant 5 and the
/// output the official sigmoid. Official files are recognised by their <c>skip.N.rconv</c> names.
/// </summary>
public static class PHNetOfficialConfig
{
    /// <summary>Largest channel count or grid accepted from a file (the official full width is 512; grids 10).</summary>
    public const int MaxChannels = 4096, MaxGrid = 64;

    /// <summary>Whether the names are the official code's (its skip convs are <c>skip.N.rconv</c>).</summary>
    public static bool IsOfficial(IReadOnlyDictionary<string, long[]> shapes) => shapes.ContainsKey("skip.0.rconv.weight");

    /// <summary>The official configuration the shapes describe; <see cref="HarmoniaException"/> when they describe none.</summary>
    public static PHNetConfig FromShapes(IReadOnlyDictionary<string, long[]> shapes)
    {
        long[] Shape(string name, int rank) =>
            shapes.TryGetValue(name, out var s) && s.Length == rank ? s
                : throw new HarmoniaException($"the file has no {rank}-d tensor '{name}'; it is not an official PHNet state dict.");
        static int Bounded(long value, long max, string what) =>
            value >= 1 && value <= max ? (int)value : throw new HarmoniaException($"{what} is {value}; 1 to {max} accepted.");

        var channels = new int[7];
        channels[0] = Bounded(Shape("encoder.0.0.weight", 4)[1], 3, "the input channel count");
        for (int i = 0; i < 6; i++) channels[i + 1] = Bounded(Shape($"encoder.{i}.0.weight", 4)[0], MaxChannels, $"encoder.{i} width");
        var grids = new List<int>();
        while (shapes.TryGetValue($"normalizers.{grids.Count}.grid_weights", out var g) && grids.Count < 6)
        {
            if (g.Length != 4 || g[2] != g[3]) throw new HarmoniaException($"normalizers.{grids.Count}.grid_weights has shape [{string.Join(",", g)}], expected (1, C, G, G).");
            grids.Add(Bounded(g[2], MaxGrid, $"normalizers.{grids.Count} grid"));
        }
        if (grids.Count == 0) throw new HarmoniaException("the file has no normalizers.0.grid_weights; it is not an official PHNet state dict.");
        long hidden = Shape("SE_block.fc.0.weight", 2)[0];
        if (hidden < 1 || channels[6] % hidden != 0) throw new HarmoniaException($"SE_block.fc.0.weight has {hidden} rows, which do not divide {channels[6]} channels.");
        var config = new PHNetConfig(channels, [.. grids], FeatureExtractorGrid: 5, SeReduction: (int)(channels[6] / hidden), Output: PHNetOutput.Sigmoid)
        {
            Variant = PHNetVariant.Official,
        };
        config.Validate();
        return config;
    }
}
