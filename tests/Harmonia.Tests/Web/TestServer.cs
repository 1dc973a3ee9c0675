using System.Net.Http.Headers;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Tests.Support;
using Harmonia.Web.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Harmonia.Tests.Web;

/// <summary>A <c>harmonia serve</c> app started in-process on a free loopback port, with an HttpClient for it.</summary>
public sealed class TestServer : IAsyncDisposable
{
    readonly WebApplication app;

    /// <summary>The base address, e.g. http://127.0.0.1:41234.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for <see cref="BaseAddress"/>.</summary>
    public HttpClient Client { get; }

    TestServer(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>Starts a server with <paramref name="options"/> (its Urls replaced by a free loopback port).</summary>
    public static async Task<TestServer> StartAsync(ServerOptions? options = null, HarmonizerRegistry? registry = null)
    {
        var app = HarmoniaServer.Create((options ?? new ServerOptions()) with { Urls = "http://127.0.0.1:0" }, registry);
        await app.StartAsync();
        return new TestServer(app, new Uri(app.Urls.First()));
    }

    /// <summary>A multipart form with composite and mask as PNG files plus extra text fields.</summary>
    public static MultipartFormDataContent Form(RgbImage composite, Mask mask, params (string Key, string Value)[] fields) =>
        Form(ImageCodec.Encode(composite, ".png"), MaskPng(mask), fields);

    /// <summary>A multipart form from raw file bytes.</summary>
    public static MultipartFormDataContent Form(byte[] composite, byte[] mask, params (string Key, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var c = new ByteArrayContent(composite);
        c.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(c, "composite", "c.png");
        var m = new ByteArrayContent(mask);
        m.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(m, "mask", "m.png");
        foreach (var (k, v) in fields) form.Add(new StringContent(v), k);
        return form;
    }

    /// <summary>A mask as 8-bit grayscale PNG bytes (alpha · 255).</summary>
    public static byte[] MaskPng(Mask mask)
    {
        using var folder = new TempFolder();
        ImageCodec.WriteMask(mask, folder.File("m.png"));
        return File.ReadAllBytes(folder.File("m.png"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
