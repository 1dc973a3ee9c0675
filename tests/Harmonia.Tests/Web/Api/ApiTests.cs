using Harmonia.Core.Registry;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Harmonia.Core.Curves;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Methods.Classical;
using Harmonia.Core.Pipeline;
using Harmonia.Tests.Support;
using Harmonia.Web.Api;
using Harmonia.Web.Hosting;

namespace Harmonia.Tests.Web.Api;

/// <summary>The HTTP API of <c>harmonia serve</c> against the library, plus its limits and errors.</summary>
public sealed class ApiTests
{
    static readonly RgbImage Real = TestImages.Gradient(96, 64, seed: 3);
    static readonly Mask Mask = TestImages.Ellipse(96, 64);
    static readonly RgbImage Composite = TestImages.ShiftForeground(Real, Mask, 40, -20, 10);

    static async Task<string> Error(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Harmonize_answers_the_same_pixels_as_the_library_and_strength_blends()
    {
        await using var server = await TestServer.StartAsync();
        var methods = await server.Client.GetFromJsonAsync<JsonElement>("/api/methods");
        Assert.Contains(methods.EnumerateArray(), m => m.GetProperty("name").GetString() == "reinhard");
        Assert.DoesNotContain(methods.EnumerateArray().SelectMany(m => m.GetProperty("settings").EnumerateArray()), s => s.GetProperty("key").GetString() == "model");

        var response = await server.Client.PostAsync("/api/harmonize", TestServer.Form(Composite, Mask, ("method", "reinhard"), ("strength", "0.6")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var served = ImageCodec.Decode(await response.Content.ReadAsByteArrayAsync());
        // The library on the same decoded inputs (the mask goes through PNG, i.e. alpha rounded to 1/255).
        var mask = ImageCodec.DecodeMask(TestServer.MaskPng(Mask));
        var expected = FileHarmonizer.Harmonize(new ReinhardTransfer(), Composite, mask, 0.6f).Result;
        Assert.True(served.ContentEquals(expected));
        Assert.False(served.ContentEquals(Composite));
    }

    [Fact]
    public async Task Render_of_kept_parameters_equals_a_direct_render_at_any_strength_and_edit()
    {
        await using var server = await TestServer.StartAsync();
        var created = await (await server.Client.PostAsync("/api/images", TestServer.Form(Composite, Mask, ("method", "s2crnet")))).Content.ReadFromJsonAsync<ImageCreated>();
        Assert.Equal("curves", created!.Kind);
        Assert.Equal(3, created.Curves!.Length);
        var mask = ImageCodec.DecodeMask(TestServer.MaskPng(Mask));
        var table = created.Curves.SelectMany(c => c).ToArray();
        var predicted = CurveParameters.FromTable(table);

        async Task<RgbImage> Render(object body)
        {
            var r = await server.Client.PostAsJsonAsync("/api/render", body);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            return ImageCodec.Decode(await r.Content.ReadAsByteArrayAsync());
        }

        // The curves in the answer are rounded to 1e-6: the 8-bit LUT they give is the same.
        var half = await Render(new { id = created.Id, strength = 0.5 });
        Assert.True(half.ContentEquals(predicted.Render(Composite, mask, 0.5f)));
        Assert.True((await Render(new { id = created.Id, strength = 0 })).ContentEquals(Composite));
        var points = new[] { new[] { 0.0, 0.0 }, new[] { 0.5, 0.8 }, new[] { 1.0, 1.0 } };
        var edited = await Render(new { id = created.Id, strength = 1, points = new { r = points, g = points, b = points } });
        var bright = ControlPointCurve.ToParameters([(0, 0), (0.5, 0.8), (1, 1)], [(0, 0), (0.5, 0.8), (1, 1)], [(0, 0), (0.5, 0.8), (1, 1)]);
        Assert.True(edited.ContentEquals(bright.Render(Composite, mask)));
        var json = await server.Client.PostAsJsonAsync("/api/parameters", new { id = created.Id });
        Assert.Contains("\"format\"", await json.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hostile_and_wrong_uploads_get_one_readable_json_line()
    {
        await using var server = await TestServer.StartAsync(new ServerOptions { MaxPixels = 5000, MaxUploadBytes = 200_000 });
        var png = ImageCodec.Encode(Composite, ".png");
        var maskPng = TestServer.MaskPng(Mask);

        // 96x64 = 6144 px > 5000: refused from the header.
        var r = await server.Client.PostAsync("/api/harmonize", TestServer.Form(png, maskPng));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        Assert.Contains("(6,144 pixels); the server accepts at most 5,000 pixels", await Error(r));

        // A PNG header claiming 100000 x 100000 pixels is refused before any pixel is allocated.
        var bomb = PngWithClaimedSize(png, 100_000, 100_000);
        var header = ImageHeader.Probe(bomb, "bomb");
        Assert.Equal(10_000_000_000L, header.PixelCount);
        r = await server.Client.PostAsync("/api/harmonize", TestServer.Form(bomb, maskPng));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        r = await server.Client.PostAsync("/api/harmonize", TestServer.Form("not an image at all"u8.ToArray(), maskPng));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        Assert.Contains("checked from its content", await Error(r));

        // Expect: 100-continue lets the server refuse from Content-Length before the client sends the body.
        var tooLarge = new HttpRequestMessage(HttpMethod.Post, "/api/harmonize") { Content = TestServer.Form(new byte[300_000], maskPng) };
        tooLarge.Headers.ExpectContinue = true;
        r = await server.Client.SendAsync(tooLarge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        r = await server.Client.PostAsync("/api/harmonize", TestServer.Form(png, maskPng, ("set", "curves-out=/tmp/x.json"), ("method", "s2crnet")));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("not accepted over HTTP", await Error(r));

        r = await server.Client.PostAsync("/api/render", new StringContent("{\"id\":", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.DoesNotContain("\n", await Error(r));

        r = await server.Client.PostAsJsonAsync("/api/render", new { id = "0123" });
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task A_full_queue_answers_503()
    {
        using var slow = new SlowMethod();
        await using var server = await TestServer.StartAsync(new ServerOptions { MaxConcurrent = 1, QueueLength = 0 }, slow.Registry);
        try
        {
            var first = server.Client.PostAsync("/api/harmonize", TestServer.Form(Composite, Mask, ("method", "slow")));
            // The second request must arrive while the first holds the only slot: wait until it is computing, and keep
            // it computing until the second has its answer (no fixed sleeps that a loaded machine could outlast).
            Assert.True(slow.Started.Wait(TimeSpan.FromSeconds(30)), "the first request never started harmonizing");
            var second = await server.Client.PostAsync("/api/harmonize", TestServer.Form(Composite, Mask, ("method", "slow")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Contains("the queue are full", await Error(second));
            slow.Release.Set();
            Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        }
        finally { slow.Release.Set(); }
    }

    [Fact]
    public async Task A_slow_request_gets_504_and_keeps_its_slot_until_its_work_ends()
    {
        using var slow = new SlowMethod();
        await using var server = await TestServer.StartAsync(new ServerOptions { MaxConcurrent = 1, QueueLength = 0, RequestTimeout = TimeSpan.FromMilliseconds(400) }, slow.Registry);
        try
        {
            var first = await server.Client.PostAsync("/api/harmonize", TestServer.Form(Composite, Mask, ("method", "slow")));
            Assert.Equal(HttpStatusCode.GatewayTimeout, first.StatusCode);
            Assert.Contains("time limit", await Error(first));
            // Its computation is still running (held by the test), so it still counts against MaxConcurrent.
            Assert.True(slow.Started.IsSet);
            var second = await server.Client.PostAsync("/api/harmonize", TestServer.Form(Composite, Mask, ("method", "slow")));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
            Assert.Contains("workers are computing", await Error(second));
        }
        finally { slow.Release.Set(); }
    }

    /// <summary>A method "slow" that says when it starts and then computes until the test releases it (at most 60 s).</summary>
    sealed class SlowMethod : IDisposable
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public Harmonia.Core.Registry.NamedRegistry<HarmonizerDescriptor> Registry { get; }

        public SlowMethod() => Registry = HarmonizerRegistry.CreateEmpty().Register(new HarmonizerDescriptor("slow", "waits", [], _ => new Harmonizer(this)));

        public void Dispose() { Release.Set(); Started.Dispose(); }

        sealed class Harmonizer(SlowMethod owner) : IHarmonizer
        {
            public Harmonia.Core.Rendering.IForegroundMap Fit(RgbImage composite, Mask mask)
            {
                owner.Started.Set();
                owner.Release.Wait(TimeSpan.FromSeconds(60));
                return new Harmonia.Core.Rendering.ColorTransformMap(Harmonia.Core.Rendering.ChannelLut.Identity());
            }
        }
    }

    /// <summary>A copy of <paramref name="png"/> whose IHDR claims another size (with a valid CRC).</summary>
    static byte[] PngWithClaimedSize(byte[] png, int width, int height)
    {
        var bytes = (byte[])png.Clone();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        uint crc = 0xFFFFFFFF;
        foreach (var b in bytes.AsSpan(12, 17))
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        crc ^= 0xFFFFFFFF;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        return bytes;
    }
}
