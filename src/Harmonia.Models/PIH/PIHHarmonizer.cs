using Harmonia.Core.Curves;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.PIH;

/// <summary>The user's controls of a PIH run: edited parameters to render instead of predicted ones, strengths, side outputs.</summary>
/// <param name="Curves">Edited curves (from a curves JSON), or null for the predicted ones.</param>
/// <param name="Gain">Edited gain grid (from a shading PNG) with its size, or null for the predicted one.</param>
/// <param name="Color">Curve strength in [0, 1].</param>
/// <param name="Shading">Gain strength in [0, 2].</param>
/// <param name="CurvesOut">File for the curves JSON of each call, or null.</param>
/// <param name="ShadingOut">File for the gain grid PNG of each call, or null.</param>
public sealed record PIHControls(CurveParameters? Curves = null, (float[] Grid, int Width, int Height)? Gain = null,
    float Color = 1f, float Shading = 1f, string? CurvesOut = null, string? ShadingOut = null);

/// <summary>
/// The <c>pih</c> method: thumbnails through <see cref="PIHInputs"/>, one network pass under no_grad into
/// <see cref="PIHParameters"/> (curve nodes → exact 8-bit table; gain grid), edits from <see cref="PIHControls"/>
/// applied, and their map (<see cref="Core.Rendering.LutGainMap"/>) rendered at full resolution by the Core renderer.
/// With both curves and shading given the network does not run. Not thread-safe (one harmonizer per thread).
/// </summary>
public sealed class PIHHarmonizer : IParametricHarmonizer, ISideOutputWriter, IDisposable
{
    readonly PIHModel model;
    readonly PIHControls controls;

    /// <summary>Wraps a loaded model (the harmonizer owns it); refuses a free-pixel ablation model.</summary>
    public PIHHarmonizer(PIHModel model, PIHControls? controls = null)
    {
        if (model.Config.FreePixel) throw new HarmoniaException("These PIH weights are the free-pixel training ablation; they predict no curves or shading map and cannot be rendered.");
        this.model = model;
        this.controls = controls ?? new PIHControls();
        model.eval();
    }

    /// <summary>The parameters of the last call (null before the first).</summary>
    public PIHParameters? LastParameters { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<string> SideOutputPaths => new[] { controls.CurvesOut, controls.ShadingOut }.OfType<string>().ToList();

    /// <inheritdoc />
    public void WriteSideOutputs()
    {
        if (LastParameters is not { } p) return;
        if (controls.CurvesOut is { } curves) AtomicFile.WriteAllText(curves, p.ToJson());
        if (controls.ShadingOut is { } shading) AtomicFile.WriteAllBytes(shading, p.GainPng());
    }

    /// <inheritdoc />
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask)
    {
        var c = controls;
        var p = c.Curves is not null && c.Gain is not null
            ? new PIHParameters(c.Curves, c.Gain.Value.Grid, c.Gain.Value.Width, c.Gain.Value.Height)
            : PredictParameters(composite, mask);
        if (c.Curves is not null) p = p.WithCurves(c.Curves);
        if (c.Gain is { } g) p = p.WithGain(g.Grid, g.Width, g.Height);
        LastParameters = p.WithStrengths(c.Color, c.Shading);
        return LastParameters;
    }

    /// <summary>
    /// Runs the networks once on <paramref name="composite"/> (8-bit RGB, any size) under <paramref name="mask"/> and
    /// returns the predicted parameters at full strengths; edit and render them any number of times without the network.
    /// </summary>
    public PIHParameters PredictParameters(RgbImage composite, Mask mask)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var inputs = PIHInputs.Of(composite, mask, model.Config);
        var nodes = model.CurveNodes(inputs.Fg, inputs.Bg);
        var gain = model.Gain(inputs.Composite, inputs.Mask, nodes);
        var nodeValues = nodes.contiguous().data<float>().ToArray();
        int g = model.Config.GainSize;
        return new PIHParameters(PIHCurves.Table(nodeValues), gain.contiguous().data<float>().ToArray(), g, g, nodes: nodeValues);
    }

    /// <inheritdoc />
    public void Dispose() => model.Dispose();
}

/// <summary>PIH weights files: safetensors of the trainable parts (curve head <c>PL.*</c>, gain net <c>gainnet.*</c>) with the configuration in the metadata.</summary>
public static class PIHWeights
{
    /// <summary>Loads a model from <paramref name="path"/> (the frozen encoder comes from the packaged ImageNet ONNX).</summary>
    public static PIHModel Load(string path) =>
        // The weights follow: the encoder is built without random initialisation.
        ModelWeights.Load(path, "PIH", metadata => new PIHModel(PIHConfig.FromMetadata(metadata), encoderDevice: new Device(DeviceType.META)));
}
