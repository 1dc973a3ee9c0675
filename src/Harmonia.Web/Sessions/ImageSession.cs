using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Errors;
using Harmonia.Core.Rendering;
using Harmonia.Web.Api;

namespace Harmonia.Web.Sessions;

/// <summary>
/// One uploaded composite and what its method produced once: the parameters of a parametric method (rendered
/// again at any strength or after an edit with no network pass), or the foreground map of any other method (rendered
/// at any strength and size, as the library renders it). A preview copy (longest side at most the server's preview
/// side) serves the live controls. Immutable after construction; rendering is thread-safe.
/// </summary>
public sealed class ImageSession
{
    /// <summary>Method name as registered.</summary>
    public string Method { get; }
    /// <summary>The full-resolution composite, W x H RGB.</summary>
    public RgbImage Composite { get; }
    /// <summary>The full-resolution mask, W x H.</summary>
    public Mask Mask { get; }
    /// <summary>The preview composite (the full image when it is small enough).</summary>
    public RgbImage PreviewComposite { get; }
    /// <summary>The preview mask, same size as <see cref="PreviewComposite"/>.</summary>
    public Mask PreviewMask { get; }
    /// <summary>What a parametric method predicted, or null.</summary>
    public IHarmonizationParameters? Parameters { get; }
    /// <summary>The method's foreground map when it is not parametric, else null (also null for an empty mask).</summary>
    public IForegroundMap? Map { get; }
    /// <summary>A note for the user (e.g. an empty mask), or null.</summary>
    public string? Warning { get; }
    /// <summary>Approximate memory held, in bytes (what the cache counts).</summary>
    public long Bytes { get; }

    ImageSession(string method, RgbImage composite, Mask mask, int previewSide, IHarmonizationParameters? parameters, IForegroundMap? map, string? warning)
    {
        Method = method;
        Composite = composite;
        Mask = mask;
        Parameters = parameters;
        Map = map;
        Warning = warning;
        double scale = Math.Min(1.0, previewSide / (double)Math.Max(composite.Width, composite.Height));
        if (scale < 1.0)
        {
            int w = Math.Max(1, (int)Math.Round(composite.Width * scale)), h = Math.Max(1, (int)Math.Round(composite.Height * scale));
            PreviewComposite = Resize.Rgb(composite, w, h);
            PreviewMask = Resize.Mask(mask, w, h);
        }
        else
        {
            PreviewComposite = composite;
            PreviewMask = mask;
        }
        long full = composite.Pixels.Length + mask.Alpha.Length * 4L;
        Bytes = full + (scale < 1.0 ? PreviewComposite.Pixels.Length + PreviewMask.Alpha.Length * 4L : 0);
    }

    /// <summary>
    /// Runs the method once: <see cref="IParametricHarmonizer.Predict"/> when it can, else <see cref="IHarmonizer.Fit"/>.
    /// Empty masks give the composite with a warning; a full mask is an error (the checks of <see cref="Harmonization"/>).
    /// </summary>
    public static ImageSession Create(string method, IHarmonizer harmonizer, RgbImage composite, Mask mask, int previewSide) =>
        Harmonization.Coverage(mask) switch
        {
            MaskCoverage.Empty => new ImageSession(method, composite, mask, previewSide, null, null, Harmonization.EmptyMaskWarning),
            MaskCoverage.Full => throw new HarmoniaException(Harmonization.FullMaskMessage),
            _ when harmonizer is IParametricHarmonizer parametric =>
                new ImageSession(method, composite, mask, previewSide, parametric.Predict(composite, mask), null, null),
            _ => new ImageSession(method, composite, mask, previewSide, null, harmonizer.Fit(composite, mask), null),
        };

    /// <summary>Whether the parameters are curves (the page then offers the curve editor).</summary>
    public bool HasCurves => Parameters is CurveParameters;

    /// <summary>
    /// The image at <paramref name="strength"/> in [0, 1]: the parameters (or <paramref name="edited"/> curves,
    /// which replace predicted curves) or the map rendered; the composite for an empty mask.
    /// </summary>
    public RgbImage Render(float strength, CurveParameters? edited, bool preview)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new ApiException(400, $"Strength must be between 0 and 1, got {strength}.");
        var composite = preview ? PreviewComposite : Composite;
        var mask = preview ? PreviewMask : Mask;
        if (edited is not null)
        {
            if (!HasCurves) throw new ApiException(400, $"Method '{Method}' does not predict curves, so curves cannot be edited.");
            return edited.Render(composite, mask, strength);
        }
        if (Parameters is not null) return Parameters.Render(composite, mask, strength);
        return Map is null ? composite.Clone() : ForegroundRenderer.Render(composite, mask, Map.AtStrength(strength));
    }

    /// <summary>The parameters as JSON (the edited curves when given), or null for a non-parametric method.</summary>
    public string? ParametersJson(CurveParameters? edited) => edited?.ToJson() ?? Parameters?.ToJson();
}
