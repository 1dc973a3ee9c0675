using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Transfer;
using Harmonia.Models.PixelNetworks;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;

namespace Harmonia.Models.Contrastive;

/// <summary>
/// The contrastive network as a harmonizer, brought to full resolution as PHNet's: the network runs at a working
/// resolution (long side = <c>size</c>, aspect ratio kept, padded to multiples of 16; <see cref="WorkingImage"/>), and
/// its change of the foreground becomes a <see cref="LocalAffineParameters"/> field fitted between the working-size
/// input and output, which the renderer applies to the full-resolution pixels under the soft mask (detail is never
/// upscaled; background bytes are never touched). Calls may come from several threads: the network pass is serialized.
/// </summary>
public sealed class ContrastiveHarmonizer : IParametricHarmonizer, IDisposable
{
    /// <summary>Largest working size (long side, pixels) accepted from <c>--set size</c> or a weights file.</summary>
    public const int MaxWorkingSize = 1024;

    readonly ContrastiveModel model;
    readonly int workingSize, cellSize;
    readonly Lock gate = new();

    /// <summary>Loads Harmonia safetensors written by <c>harmonia train contrastive</c> (config and working size in the metadata).</summary>
    public ContrastiveHarmonizer(string modelPath, int workingSize = 0, int cellSize = 8)
    {
        TorchRuntime.EnsureAvailable();
        var tensors = WeightsFile.Read(modelPath, out var metadata);
        try
        {
            // Every metadata number is checked before the network is built from the file.
            this.workingSize = workingSize > 0 ? workingSize
                : WeightsMetadata.Int(metadata, ContrastiveConfigMetadata.WorkingSize, 128, ContrastiveConfig.SizeMultiple, MaxWorkingSize);
            ContrastiveConfig config;
            try
            {
                config = ContrastiveConfigMetadata.FromMetadata(metadata);
                config.Validate();
            }
            catch (Exception e) when (e is HarmoniaException or ArgumentException) { throw new HarmoniaException($"Contrastive weights '{modelPath}': {e.Message}"); }
            model = new ContrastiveModel(config);
            try { StateDictIO.Load(model, tensors); }
            catch (HarmoniaException e) { throw new HarmoniaException($"Weights '{modelPath}': {e.Message}"); }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        model.eval();
        this.cellSize = cellSize;
    }

    /// <summary>Wraps an in-memory network (tests, benchmarks).</summary>
    public ContrastiveHarmonizer(ContrastiveModel model, int workingSize, int cellSize = 8)
    {
        this.model = model;
        model.eval();
        this.workingSize = workingSize;
        this.cellSize = cellSize;
    }

    /// <summary>The network's colour change as a local affine field over the working-resolution grid (identity when the foreground vanishes there).</summary>
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask)
    {
        var input = WorkingImage.Prepare(composite, mask, workingSize);
        if (!input.HasForeground) return input.IdentityField(cellSize);
        float[] target;
        lock (gate) target = input.Run(ContrastiveConfig.SizeMultiple, model.forward);
        return input.FitField(target, cellSize);
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}
