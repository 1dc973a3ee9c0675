using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Harmonia.Web.Hosting;

/// <summary>
/// The page's HTML, CSS and JS, embedded in the assembly (no files on disk, no Node build). A request names an
/// asset; only names present in the assembly are served, so no request reaches the file system.
/// </summary>
public static class EmbeddedPages
{
    const string Prefix = "Harmonia.Web.wwwroot.";

    static readonly Lazy<IReadOnlyDictionary<string, byte[]>> Assets = new(() =>
    {
        var assembly = typeof(EmbeddedPages).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToDictionary(n => n[Prefix.Length..], n => Read(assembly, n), StringComparer.Ordinal);
    });

    static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Maps <c>/</c> to <paramref name="home"/> and <c>/assets/{name}</c> to the embedded assets.</summary>
    public static void Map(IEndpointRouteBuilder app, string home)
    {
        app.MapGet("/", () => Asset(home)).ExcludeFromDescription();
        app.MapGet("/assets/{name}", (string name) => Asset(name)).ExcludeFromDescription();
    }

    /// <summary>The embedded asset <paramref name="name"/> with its content type, or 404.</summary>
    public static IResult Asset(string name) =>
        Assets.Value.TryGetValue(name, out var bytes)
            ? Results.Bytes(bytes, ContentType(name))
            : Results.Json(new Api.ApiError($"No page or asset named '{name}'."), statusCode: 404);

    static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
