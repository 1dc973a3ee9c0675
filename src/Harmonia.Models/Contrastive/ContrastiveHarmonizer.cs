using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.PixelNetworks;
using Harmonia.Models.Weights;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// The contrastive network as a harmonizer, brought to full resolution as PHNet's: the network runs at a working
/// resolution (long side = <c>size</c>, aspect ratio kept, padded to multiples of 16), and its change of the
/// foreground becomes a local affine colour field, which the renderer applies to the full-resolution pixels under the
/// soft mask (<see cref="LocalAffineNetwork"/>: detail is never upscaled; background bytes are never touched).
/// </summary>
public sealed class ContrastiveHarmonizer : IParametricHarmonizer, IDisposable
{
    /// <summary>Largest working size (long side, pixels) accepted from <c>--set size</c> or a weights file.</summary>
    public const int MaxWorkingSize = 1024;

    readonly LocalAffineNetwork network;

    /// <summary>Loads Harmonia safetensors written by <c>harmonia train contrastive</c> (config and working size in the metadata).</summary>
    public ContrastiveHarmonizer(string modelPath, int workingSize = 0, int cellSize = 8)
    {
        int size = workingSize;
        var model = ModelWeights.Load(modelPath, "Contrastive", metadata =>
        {
            // Every metadata number is checked before the network is built from the file.
            if (size <= 0) size = WeightsMetadata.Int(metadata, ContrastiveConfigMetadata.WorkingSize, 128, ContrastiveConfig.SizeMultiple, MaxWorkingSize);
            var config = ContrastiveConfigMetadata.FromMetadata(metadata);
            config.Validate();
            return new ContrastiveModel(config);
        });
        network = new LocalAffineNetwork(model, model.forward, ContrastiveConfig.SizeMultiple, size, cellSize);
    }

    /// <summary>Wraps an in-memory network (tests, benchmarks).</summary>
    public ContrastiveHarmonizer(ContrastiveModel model, int workingSize, int cellSize = 8) =>
        network = new LocalAffineNetwork(model, model.forward, ContrastiveConfig.SizeMultiple, workingSize, cellSize);

    /// <inheritdoc />
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask) => network.Predict(composite, mask);

    /// <inheritdoc />
    public void Dispose() => network.Dispose();
}
