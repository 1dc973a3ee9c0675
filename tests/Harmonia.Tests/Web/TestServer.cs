using Harmonia.Core.Registry;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Web.Api;
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
    public static async Task<TestServer> StartAsync(ServerOptions? options = null, NamedRegistry<HarmonizerDescriptor>? registry = null)
    {
        var app = HarmoniaServer.Create((options ?? new ServerOptions()) with { Urls = "http://127.0.0.1:0" }, registry);
        await app.StartAsync();
        return new TestServer(app, new Uri(app.Urls.First()));
    }

    /// <summary>A multipart form with composite and mask as PNG files plus extra text fields.</summary>
    public static MultipartFormDataContent Form(RgbImage composite, Mask mask, params (string Key, string Value)[] fields) =>
        ApiForms.Harmonize(ImageCodec.Encode(composite, ".png"), ImageCodec.EncodeMask(mask), fields);

    /// <summary>A multipart form from raw file bytes.</summary>
    public static MultipartFormDataContent Form(byte[] composite, byte[] mask, params (string Key, string Value)[] fields) =>
        ApiForms.Harmonize(composite, mask, fields);

    /// <summary>A mask as 8-bit grayscale PNG bytes (alpha · 255).</summary>
    public static byte[] MaskPng(Mask mask) => ImageCodec.EncodeMask(mask);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
