using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;
using Harmonia.Core.Transfer;
using Harmonia.Models.PixelNetworks;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet as a harmonizer. The network runs at a working resolution (long side = <c>size</c>, aspect ratio kept, edges
/// replicated up to a multiple of 8; the padding counts as background of mask 0); its change of the foreground is
/// brought to full resolution by <see cref="LocalAffineColorTransfer"/> (a per-grid-node affine colour model fitted
/// between the low-res input and the network output over the foreground, interpolated and applied to the full-res
/// pixels), which <see cref="ForegroundRenderer"/> applies and blends with the soft mask in one row pass. The field is
/// the method's parameters (<see cref="Predict"/>, <see cref="LocalAffineParameters"/>): video smooths it over time.
/// The network sees the mask binarized at its threshold (as in training). Calls may come from several threads: the
/// network pass is serialized.
/// </summary>
public sealed class PHNetHarmonizer : IParametricHarmonizer, IDisposable
{
    /// <summary>
    /// Largest working size (long side, pixels) accepted from <c>--set size</c> or a weights file; the network's
    /// memory grows with its square (about 0.7 GB at 1024). The working size is also never above the image's long side.
    /// </summary>
    public const int MaxWorkingSize = 1024;

    readonly LocalAffineNetwork network;
    readonly int cellSize;
    readonly PHNetTransfer transfer;

    /// <summary>
    /// Loads weights from <paramref name="modelPath"/>: Harmonia safetensors (config in the metadata) or an official
    /// PyTorch state dict / training checkpoint (<see cref="PHNetOfficialConfig"/>; default working size 256).
    /// </summary>
    /// <param name="mirrorAverage">
    /// Average the network's outputs on the image and its mirror image (see <see cref="LocalAffineNetwork"/>); null =
    /// the weights' metadata <see cref="PHNetConfigMetadata.MirrorAverage"/> (false when absent).
    /// </param>
    public PHNetHarmonizer(string modelPath, int workingSize = 0, int cellSize = 8, PHNetTransfer transfer = PHNetTransfer.Affine, bool? mirrorAverage = null)
    {
        this.transfer = transfer;
        // libtorch loads on another thread while the file is read and its configuration checked.
        TorchRuntime.StartLoading();
        var content = WeightsFile.Open(modelPath);
        var metadata = content.Metadata;
        // Every metadata number is checked before the network is built from the file.
        int size = workingSize > 0 ? workingSize
            : WeightsMetadata.Int(metadata, PHNetConfigMetadata.WorkingSize, 256, PHNetConfig.SizeMultiple, MaxWorkingSize);
        bool mirror = mirrorAverage ?? WeightsMetadata.Bool(metadata, PHNetConfigMetadata.MirrorAverage, false);
        PHNetConfig config;
        try
        {
            config = PHNetConfigMetadata.FromMetadata(metadata)
                     ?? (PHNetOfficialConfig.IsOfficial(content.Shapes) ? PHNetOfficialConfig.FromShapes(content.Shapes) : PHNetConfig.Official);
        }
        catch (HarmoniaException e) { throw new HarmoniaException($"PHNet weights '{modelPath}': {e.Message}"); }
        TorchRuntime.EnsureAvailable();
        var tensors = content.CreateTensors();
        var model = new PHNetModel(config);
        try { StateDictIO.Load(model, tensors); }
        catch (HarmoniaException e)
        {
            model.Dispose();
            throw new HarmoniaException($"Weights '{modelPath}': {e.Message}");
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        network = new LocalAffineNetwork(model, model.forward, PHNetConfig.SizeMultiple, size, cellSize, mirror);
        this.cellSize = cellSize;
    }

    /// <summary>Wraps an in-memory network (tests, benchmarks).</summary>
    public PHNetHarmonizer(PHNetModel model, int workingSize, int cellSize = 8, PHNetTransfer transfer = PHNetTransfer.Affine, bool mirrorAverage = false)
    {
        this.transfer = transfer;
        network = new LocalAffineNetwork(model, model.forward, PHNetConfig.SizeMultiple, workingSize, cellSize, mirrorAverage);
        this.cellSize = cellSize;
    }

    /// <summary>
    /// The network's colour change as a <see cref="LocalAffineParameters"/> field over the working-resolution grid
    /// (the identity field when the foreground vanishes at working resolution). Fields of frames of one video share
    /// the grid, so they can be smoothed over time.
    /// </summary>
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask)
    {
        if (transfer == PHNetTransfer.Affine) return network.Predict(composite, mask);
        var (input, target) = network.Run(composite, mask);
        if (target is null) return input.IdentityField(cellSize);
        var image = new RgbImage(input.Width, input.Height);
        for (int i = 0; i < target.Length; i++) image.Pixels[i] = (byte)Math.Round(target[i] * 255f);
        return new NetworkImageParameters(image);
    }

    /// <inheritdoc />
    public void Dispose() => network.Dispose();
}

/// <summary>How <see cref="PHNetHarmonizer"/> brings the network's working-resolution result to full resolution.</summary>
public enum PHNetTransfer
{
    /// <summary>Local affine colour models fitted between the working-resolution input and output, applied to the full-resolution pixels (default: full-resolution detail is kept).</summary>
    Affine,

    /// <summary>The network image itself, resized bicubic to full resolution and blended with the mask, as the official inference does (blurs detail when upscaling).</summary>
    Direct,
}
