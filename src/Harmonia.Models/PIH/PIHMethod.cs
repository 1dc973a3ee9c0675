using System.Globalization;
using Harmonia.Core.Errors;
using Harmonia.Core.Files;
using Harmonia.Core.Methods;
using Harmonia.Models.Runtime;

namespace Harmonia.Models.PIH;

/// <summary>Registration of the <c>pih</c> harmonizer: settings (model, edits, strengths, side outputs) and factory.</summary>
public static class PIHMethod
{
    /// <summary>Method name.</summary>
    public const string Name = "pih";

    /// <summary>Default weights: <c>models/pih.safetensors</c>, found by <see cref="ModelLocator"/>.</summary>
    public static readonly string DefaultModelPath = ModelLocator.Shipped("pih.safetensors");

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "PIH (CVPR'23, semi-supervised parametric harmonization): global per-channel curves (32 nodes) times a smooth local shading map, both editable, rendered at full resolution.",
        [
            new("model", "PIH weights (.safetensors from 'harmonia train pih')", DefaultModelPath),
            new("curves-out", "write the curves as JSON (harmonia-curves/1, S2CRNet's format) to this file", ""),
            new("curves", "render these curves instead of the predicted ones: a curves JSON from pih or s2crnet --curves-out, possibly edited", ""),
            new("shading-out", "write the shading (gain) map as a grayscale PNG (value/255 = gain) to this file", ""),
            new("shading-map", "render this shading map instead of the predicted one: a grayscale image, value/255 = gain, any size (stretched over the image bicubically)", ""),
            new("color", "strength of the curves, 0 (none) to 1 (as predicted)", "1"),
            new("shading", "strength of the shading map, 0 (curves alone) to 2 (doubled); a value that is not a number is read as a shading-map file", "1"),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        var controls = Controls(settings);
        if (controls.Curves is not null && controls.Gain is not null && controls.CurvesOut is null && controls.ShadingOut is null)
            return new EditedPIH(controls);
        TorchRuntime.EnsureAvailable();
        var path = settings.GetString("model", DefaultModelPath)!;
        var model = PIHWeights.Load(ModelLocator.Find(path) ?? throw new HarmoniaException($"PIH weights not found at '{path}' (train with 'harmonia train pih' or set --set model=PATH)."));
        try { return new PIHHarmonizer(model, controls); }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The controls the settings describe; edited files are read now (missing or bad: one clear error before any work).</summary>
    public static PIHControls Controls(MethodSettings settings)
    {
        var shadingText = settings.GetString("shading", "1")!;
        var mapPath = settings.GetString("shading-map", "");
        float shading = 1f;
        if (double.TryParse(shadingText, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            shading = (float)settings.GetDouble("shading", 1, 0, 2);
        else if (string.IsNullOrEmpty(mapPath))
            mapPath = shadingText;
        else
            throw new UsageException("pih: 'shading' is a strength from 0 to 2 when 'shading-map' names the map file.");
        var curvesPath = settings.GetString("curves", "");
        string? Optional(string key) => settings.GetString(key, "") is { Length: > 0 } v ? v : null;
        return new PIHControls(
            Curves: string.IsNullOrEmpty(curvesPath) ? null : PIHCurves.FromJson(ReadText(curvesPath, "curves")),
            Gain: string.IsNullOrEmpty(mapPath) ? null : PIHParameters.ReadGainPng(Existing(mapPath, "shading map")),
            Color: (float)settings.GetDouble("color", 1, 0, 1),
            Shading: shading,
            CurvesOut: Optional("curves-out"),
            ShadingOut: Optional("shading-out"));
    }

    static string Existing(string path, string what) =>
        File.Exists(path) ? path : throw new UsageException($"pih: the {what} file '{path}' does not exist.");

    static string ReadText(string path, string what)
    {
        InputFile.Check(Existing(path, what), 16L << 20, what);
        return File.ReadAllText(path);
    }

    /// <summary>Both curves and shading given and nothing to write: render them, no network (not even TorchSharp) needed.</summary>
    sealed class EditedPIH(PIHControls controls) : IParametricHarmonizer
    {
        public IHarmonizationParameters Predict(Core.Imaging.RgbImage composite, Core.Imaging.Mask mask) =>
            new PIHParameters(controls.Curves!, controls.Gain!.Value.Grid, controls.Gain.Value.Width, controls.Gain.Value.Height, controls.Color, controls.Shading);
    }
}
