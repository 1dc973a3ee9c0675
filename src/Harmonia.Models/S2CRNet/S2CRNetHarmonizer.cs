using System.Runtime.InteropServices;
using Harmonia.Core.Curves;
using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// The <c>s2crnet</c> method: thumbnails (fg crop + bg at 256², Core <see cref="Thumbnail"/>/<see cref="Resize"/>),
/// one network pass under no_grad into the curves (<see cref="CurveParameters"/>), whose map is the exact 8-bit LUT of
/// the cascade, rendered at full resolution by <see cref="ForegroundRenderer"/>. Input buffers and tensors are
/// allocated once. Not thread-safe (one harmonizer per thread).
/// </summary>
public sealed class S2CRNetHarmonizer : IParametricHarmonizer, ISideOutputWriter, ISetupWarnings, IDisposable
{
    readonly S2CRNetModel model;
    readonly bool useLabel;
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

    /// <inheritdoc />
    public IReadOnlyList<string> SetupWarnings { get; }

    /// <summary>
    /// Wraps a loaded model (the harmonizer owns it). label: the foreground class, or null; how it is used follows
    /// <see cref="S2CRNetConfig.Labels"/>: None ignores it (with a <see cref="SetupWarnings"/> line), Optional runs the
    /// semantic head with a label and the plain one without, Required throws <see cref="UsageException"/> without one.
    /// curvesOut: a file for each call's curves as JSON, written by <see cref="WriteSideOutputs"/> (after the image).
    /// </summary>
    public S2CRNetHarmonizer(S2CRNetModel model, SemanticClass? label = null, string? curvesOut = null)
    {
        var labels = model.Config.Labels;
        if (labels == LabelUse.Required && label is null)
            throw new UsageException("This S2CRNet model was trained with foreground labels: pass --label person|animal|food|vehicle|other.");
        SetupWarnings = labels == LabelUse.None && label is { } ignored
            ? [$"--label {ignored.ToString().ToLowerInvariant()} is ignored: this S2CRNet model has no semantic head (it was trained without labels)"]
            : [];
        this.model = model;
        useLabel = label is not null && labels != LabelUse.None;
        this.curvesOut = curvesOut;
        model.eval();
        size = model.Config.InputSize;
        input = new float[2 * 3 * size * size];
        inputTensor = torch.zeros(2, 3, size, size);
        labelTensor = torch.zeros(1, S2CRNetConfig.ClassCount);
        if (label is { } l) labelTensor[0, (int)l] = torch.tensor(1f);
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
        S2CRNetInputs.Fill(composite, mask, size, input, model.Config.SourceSide);
        LastThumbnailMs = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        inputTensor.data<float>().CopyFrom(input);
        var fg = inputTensor.narrow(0, 0, 1);
        var bg = inputTensor.narrow(0, 1, 1);
        var (fore, back) = model.Encode(fg, bg);
        var p = model.CurveParameters(fore, back, useLabel ? labelTensor : null);
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
