using Harmonia.Core.Registry;
using System.Globalization;
using Harmonia.Core.Curves;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Web.Hosting;
using Harmonia.Web.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harmonia.Web.Api;

/// <summary>
/// The HTTP API the page uses: methods, one-shot harmonize, and the predict-once / render-many pair behind the
/// live controls. Computing endpoints run under the server's concurrency limit and time limit.
/// </summary>
public static class ApiEndpoints
{
    /// <summary>Name of the rate-limiter policy of computing endpoints.</summary>
    public const string ComputePolicy = "compute";

    /// <summary>Maps the endpoints under <c>/api</c>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/methods", (MethodPool pool) => Methods(pool.Registry))
            .WithSummary("Every registered method with its one-line description and settings.");
        api.MapPost("/harmonize", Harmonize).RequireRateLimiting(ComputePolicy).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data").Produces(200, contentType: "image/png").Produces<ApiError>(400)
            .WithSummary("Form fields composite, mask (files), optional method, strength (0-1), format (png|jpeg), set (key=value, repeatable). Answers the full-resolution image.");
        api.MapPost("/images", CreateImage).RequireRateLimiting(ComputePolicy).DisableAntiforgery()
            .Accepts<IFormFile>("multipart/form-data").Produces<ImageCreated>().Produces<ApiError>(400)
            .WithSummary("Form fields as /api/harmonize. Runs the method once and keeps the result under an id; answers the id and, for curve methods, the predicted curves.");
        api.MapPost("/render", Render).RequireRateLimiting(ComputePolicy)
            .Produces(200, contentType: "image/png").Produces<ApiError>(404)
            .WithSummary("Renders a kept image at a strength, optionally with edited curves (control points or a 768-value table), with no network pass.");
        api.MapPost("/parameters", Parameters)
            .Produces(200, contentType: "application/json").Produces<ApiError>(404)
            .WithSummary("The parameters of a kept image as JSON (the edited curves when the body has them).");
    }

    static IReadOnlyList<MethodInfo> Methods(NamedRegistry<HarmonizerDescriptor> registry) =>
        registry.All.Select(m => new MethodInfo(
            m.Name,
            m.Description,
            m.Name == MethodCatalog.DefaultMethod,
            m.Settings.Where(s => !MethodPool.PathSettings.Contains(s.Key)).Select(s => new MethodSettingInfo(s.Key, s.Description, s.Default)).ToList()))
        .ToList();

    sealed record FormRequest(RgbImage Composite, Mask Mask, string Method, MethodSettings Settings, float Strength, string Format);

    static async Task<FormRequest> ReadFormRequest(HttpContext context, Uploads uploads, MethodPool pool)
    {
        var form = await uploads.ReadFormAsync(context.Request);
        var method = form["method"].FirstOrDefault() is { Length: > 0 } m ? m : MethodCatalog.DefaultMethod;
        var settings = MethodSettings.Parse(form["set"].Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!));
        pool.Check(method, settings);
        float strength = 1f;
        if (form["strength"].FirstOrDefault() is { Length: > 0 } s
            && (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out strength) || !(strength >= 0f && strength <= 1f)))
            throw new ApiException(400, $"Strength must be a number between 0 and 1, got '{s}'.");
        var format = FormatExtension(form["format"].FirstOrDefault());
        var (composite, mask) = uploads.ReadPair(form);
        return new FormRequest(composite, mask, method, settings, strength, format);
    }

    static async Task<IResult> Harmonize(HttpContext context, Uploads uploads, MethodPool pool, ComputeGate gate)
    {
        var request = await ReadFormRequest(context, uploads, pool);
        var (bytes, warning) = await gate.RunAsync(() =>
        {
            // No preview: the session only carries the prediction to its full-resolution render.
            var session = pool.Run(request.Method, request.Settings, h => ImageSession.Create(request.Method, h, request.Composite, request.Mask, int.MaxValue));
            return (ImageCodec.Encode(session.Render(request.Strength, null, preview: false), request.Format), session.Warning);
        }, context.RequestAborted);
        if (warning is not null) context.Response.Headers["X-Harmonia-Warning"] = warning;
        return Results.File(bytes, ContentType(request.Format), "harmonized" + request.Format);
    }

    static async Task<IResult> CreateImage(HttpContext context, Uploads uploads, MethodPool pool, ComputeGate gate, ImageCache cache, ServerOptions options)
    {
        var request = await ReadFormRequest(context, uploads, pool);
        var session = await gate.RunAsync(
            () => pool.Run(request.Method, request.Settings, h => ImageSession.Create(request.Method, h, request.Composite, request.Mask, options.PreviewSide)),
            context.RequestAborted);
        var id = cache.Add(session);
        double[][]? curves = null;
        if (session.Parameters is CurveParameters c)
            curves = Enumerable.Range(0, 3).Select(ch => Enumerable.Range(0, 256).Select(v => Math.Round(c[ch, v], 6)).ToArray()).ToArray();
        return Results.Ok(new ImageCreated(id, session.Method, session.Composite.Width, session.Composite.Height,
            session.PreviewComposite.Width, session.PreviewComposite.Height, session.Parameters?.Kind, curves, session.Warning));
    }

    static async Task<IResult> Render(RenderRequest request, ImageCache cache, ComputeGate gate, HttpContext context)
    {
        var session = cache.Get(request.Id);
        var edited = EditedCurves(request);
        var format = FormatExtension(request.Format);
        if (request.Quality is < 1 or > 100) throw new ApiException(400, $"Quality must be between 1 and 100, got {request.Quality}.");
        var bytes = await gate.RunAsync(
            () => ImageCodec.Encode(session.Render(request.Strength, edited, request.Preview), format, request.Quality),
            context.RequestAborted);
        return Results.File(bytes, ContentType(format), "harmonized" + format);
    }

    static IResult Parameters(RenderRequest request, ImageCache cache)
    {
        var session = cache.Get(request.Id);
        var json = session.ParametersJson(EditedCurves(request))
            ?? throw new ApiException(400, $"Method '{session.Method}' has no parameters: it gives a harmonized image.");
        return Results.Text(json, "application/json");
    }

    /// <summary>The edited curves of a render request (control points or a table), or null.</summary>
    static CurveParameters? EditedCurves(RenderRequest request)
    {
        try
        {
            if (request.Table is not null) return CurveParameters.FromTable(request.Table);
            if (request.Points is null) return null;
            static IReadOnlyList<(double X, double Y)> Channel(double[][]? points, string name) =>
                points?.Select(p => p.Length == 2 ? (p[0], p[1]) : throw new ArgumentException($"Each control point of {name} is [x, y].")).ToList()
                ?? throw new ArgumentException($"Curve {name} is missing.");
            return ControlPointCurve.ToParameters(Channel(request.Points.R, "r"), Channel(request.Points.G, "g"), Channel(request.Points.B, "b"));
        }
        catch (ArgumentException e)
        {
            throw new ApiException(400, e.Message);
        }
    }

    static string FormatExtension(string? format) => format?.ToLowerInvariant() switch
    {
        null or "" or "png" => ".png",
        "jpg" or "jpeg" => ".jpg",
        _ => throw new ApiException(400, $"Format must be png or jpeg, got '{format}'."),
    };

    static string ContentType(string extension) => extension == ".png" ? "image/png" : "image/jpeg";
}
