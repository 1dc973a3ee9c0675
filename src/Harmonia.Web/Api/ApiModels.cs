namespace Harmonia.Web.Api;

/// <summary>One setting of a method as <c>GET /api/methods</c> lists it.</summary>
public sealed record MethodSettingInfo(string Key, string Description, string Default);

/// <summary>One registered method: name, one-line description, whether it is the default, its settings.</summary>
public sealed record MethodInfo(string Name, string Description, bool IsDefault, IReadOnlyList<MethodSettingInfo> Settings);

/// <summary>The answer of <c>POST /api/images</c>.</summary>
/// <param name="Id">The image id for <c>/api/render</c> and <c>/api/parameters</c> (expires after a period without use).</param>
/// <param name="Method">The method that ran.</param>
/// <param name="Width">Full-resolution width in pixels.</param>
/// <param name="Height">Full-resolution height in pixels.</param>
/// <param name="PreviewWidth">Width of the preview the live controls render (<c>"preview": true</c>).</param>
/// <param name="PreviewHeight">Height of that preview.</param>
/// <param name="Kind">The parameter kind (<c>"curves"</c>) for parametric methods, or null when strength blends a harmonized image.</param>
/// <param name="Curves">For curve methods the predicted curves sampled at the 256 8-bit inputs, as [R, G, B] arrays of values in [0, 1]; else null.</param>
/// <param name="Warning">A note for the user (e.g. empty mask), or null.</param>
public sealed record ImageCreated(string Id, string Method, int Width, int Height, int PreviewWidth, int PreviewHeight, string? Kind, double[][]? Curves, string? Warning);

/// <summary>Control points of the three curves, each a list of [x, y] pairs in [0, 1] (monotone cubic interpolation between them).</summary>
public sealed record CurvePoints(double[][] R, double[][] G, double[][] B);

/// <summary>The body of <c>POST /api/render</c> and <c>POST /api/parameters</c>.</summary>
/// <param name="Id">An id from <c>POST /api/images</c>.</param>
/// <param name="Strength">0 = the composite, 1 = the full result (default 1).</param>
/// <param name="Points">Edited curves as control points (curve methods only); replaces the predicted curves.</param>
/// <param name="Table">Edited curves as a 768-value table (R at inputs 0..255, then G, then B; values in [0, 1]).</param>
/// <param name="Format">"png" (default) or "jpeg".</param>
/// <param name="Quality">JPEG quality 1-100 (default 92).</param>
/// <param name="Preview">True renders the preview size (fast, for live controls); false the full resolution.</param>
public sealed record RenderRequest(
    string Id,
    float Strength = 1f,
    CurvePoints? Points = null,
    double[]? Table = null,
    string? Format = null,
    int Quality = 92,
    bool Preview = false);

