using System.Runtime.InteropServices;
using Harmonia.Core.Curves;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// The <c>s2crnet</c> method: thumbnails (fg crop + bg at 256², Core <see cref="Thumbnail"/>/<see cref="Resize"/>),
/// one network pass under no_grad into the curves, then the exact 8-bit LUT of the cascade rendered at full resolution
/// by <see cref="ForegroundRenderer"/> (alpha-0 pixels copied). Input buffers and tensors are allocated once.
/// Not thread-safe (one harmonizer per thread).
/// </summary>
public sealed class S2CRNetHarmonizer : IParametricHarmonizer, ISideOutputWriter, IDisposable
{
    readonly S2CRNetModel model;
    readonly SemanticClass label;
    readonly string? curvesOut;
    readonly int size;
    readonly float[] input;
    readonly Tensor inputTensor;
    readonly Tensor labelTensor;

    /// <summary>Milliseconds of the last call's thumbnail step (crop, reduce, resize, mask multiply).</summary>
    public double LastThumbnailMs { get; private set; }

    /// <summary>Milliseconds of the last call's network step (tensor copy, encoder, heads).</summary>
    public double LastNetworkMs { get; private set; }

    /// <summary>The curves of the last call (null before the first).</summary>
    public CurveSet? LastCurves { get; private set; }

    /// <summary>
    /// Wraps a loaded model (the harmonizer owns it). label: the foreground class for a semantic model; curvesOut: a
    /// file for each call's curves as JSON, written by <see cref="WriteSideOutputs"/> (after the image).
    /// </summary>
    public S2CRNetHarmonizer(S2CRNetModel model, SemanticClass label = SemanticClass.Other, string? curvesOut = null)
    {
        this.model = model;
        this.label = label;
        this.curvesOut = curvesOut;
        model.eval();
        size = model.Config.InputSize;
        input = new float[2 * 3 * size * size];
        inputTensor = torch.zeros(2, 3, size, size);
        labelTensor = torch.zeros(1, S2CRNetConfig.ClassCount);
        labelTensor[0, (int)label] = torch.tensor(1f);
    }

    /// <inheritdoc />
    public RgbImage Harmonize(RgbImage composite, Mask mask)
    {
        var curves = PredictCurves(composite, mask);
        return ForegroundRenderer.Render(composite, mask, curves.ToLut());
    }

    /// <inheritdoc />
    public IReadOnlyList<string> SideOutputPaths => curvesOut is null ? [] : [curvesOut];

    /// <inheritdoc />
    public void WriteSideOutputs()
    {
        if (curvesOut is not null && LastCurves is not null) AtomicFile.WriteAllText(curvesOut, CurveJson.Serialize(LastCurves));
    }

    /// <inheritdoc />
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask) => new CurveParameters(PredictCurves(composite, mask));

    /// <summary>Runs the network on the thumbnails of <paramref name="composite"/>/<paramref name="mask"/> and returns the curve cascade.</summary>
    public CurveSet PredictCurves(RgbImage composite, Mask mask)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        S2CRNetInputs.Fill(composite, mask, size, input);
        LastThumbnailMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        inputTensor.data<float>().CopyFrom(input);
        var fg = inputTensor.narrow(0, 0, 1);
        var bg = inputTensor.narrow(0, 1, 1);
        var (fore, back) = model.Encode(fg, bg);
        var p = model.CurveParameters(fore, back, model.Config.Semantic ? labelTensor : null);
        var values = p.contiguous().data<float>().ToArray();
        LastCurves = new CurveSet(model.Config.Stages, model.Config.Levels, values);
        LastNetworkMs = watch.Elapsed.TotalMilliseconds;
        return LastCurves;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        inputTensor.Dispose();
        labelTensor.Dispose();
        model.Dispose();
    }
}
