using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.PixelNetworks;
using Harmonia.Models.Weights;

namespace Harmonia.Models.CharmNet;

/// <summary>
/// CharmNet as a harmonizer: its real-domain path (real encoder, shared stage, real decoder) runs at a working
/// resolution (long side = <c>size</c>, aspect ratio kept, padded to multiples of 2^Depth), and its change of the
/// foreground becomes a local affine colour field that the renderer applies to the full-resolution pixels under the
/// soft mask (<see cref="LocalAffineNetwork"/>: detail is never upscaled; background bytes are never touched).
/// </summary>
public sealed class CharmNetHarmonizer : IParametricHarmonizer, IDisposable
{
    /// <summary>Largest working size (long side, pixels) accepted from <c>--set size</c> or a weights file.</summary>
    public const int MaxWorkingSize = 1024;

    readonly LocalAffineNetwork network;

    /// <summary>Loads Harmonia safetensors written by <c>harmonia train charmnet</c> (config and working size in the metadata).</summary>
    public CharmNetHarmonizer(string modelPath, int workingSize = 0, int cellSize = 8)
    {
        int size = workingSize;
        var model = ModelWeights.Load(modelPath, "CharmNet", metadata =>
        {
            var config = CharmNetConfigMetadata.FromMetadata(metadata);
            config.Validate();
            if (size <= 0) size = WeightsMetadata.Int(metadata, CharmNetConfigMetadata.WorkingSize, 256, config.SizeMultiple, MaxWorkingSize);
            return new CharmNetModel(config);
        });
        network = new LocalAffineNetwork(model, model.forward, model.Config.SizeMultiple, size, cellSize);
    }

    /// <summary>Wraps an in-memory network (tests, benchmarks).</summary>
    public CharmNetHarmonizer(CharmNetModel model, int workingSize, int cellSize = 8) =>
        network = new LocalAffineNetwork(model, model.forward, model.Config.SizeMultiple, workingSize, cellSize);

    /// <inheritdoc />
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask) => network.Predict(composite, mask);

    /// <inheritdoc />
    public void Dispose() => network.Dispose();
}
