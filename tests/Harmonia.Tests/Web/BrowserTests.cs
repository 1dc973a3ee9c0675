using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;
using Harmonia.Web.Hosting;
using Microsoft.Playwright;

namespace Harmonia.Tests.Web;

/// <summary>
/// The page in Debian's chromium driven by Playwright (its driver ships in the NuGet package; no browser is
/// downloaded). Skips when /usr/bin/chromium is absent.
/// </summary>
public sealed class BrowserTests
{
    const string Chromium = "/usr/bin/chromium";

    /// <summary>Chromium launched headless with no network side traffic.</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is not installed (apt-get install chromium); browser test skipped.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    static async Task<byte[]> ImageBytes(IPage page, string selector) =>
        Convert.FromBase64String(await page.EvalOnSelectorAsync<string>(selector, """
            async img => {
              const buffer = await (await fetch(img.src)).arrayBuffer();
              let s = ""; for (const b of new Uint8Array(buffer)) s += String.fromCharCode(b);
              return btoa(s);
            }
            """));

    static async Task<int> Generation(IPage page) => int.Parse(await page.GetAttributeAsync("#after", "data-generation") ?? "0");

    static async Task WaitGeneration(IPage page, int after) =>
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('after').dataset.generation || 0) > {after}", null, new() { Timeout = 180_000 });

    static async Task<byte[]> ApiRender(HttpClient client, string requestJson, Action<JsonObject>? change = null)
    {
        var body = JsonNode.Parse(requestJson)!.AsObject();
        change?.Invoke(body);
        var response = await client.PostAsync("/api/render", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    [SkippableFact]
    public async Task Upload_strength_curve_drag_and_download_show_what_the_api_renders()
    {
        var (playwright, browser) = await LaunchAsync();
        await using var server = await TestServer.StartAsync();
        using var folder = new TempFolder();
        var real = TestImages.Gradient(200, 150, seed: 5);
        var mask = TestImages.Ellipse(200, 150);
        ImageCodec.Write(TestImages.ShiftForeground(real, mask, 50, -30, 20), folder.File("c.png"));
        ImageCodec.WriteMask(mask, folder.File("m.png"));
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { AcceptDownloads = true });
            page.SetDefaultTimeout(180_000); // a loaded 2-core machine runs the network pass slowly
            await page.GotoAsync(server.BaseAddress.ToString());
            await page.WaitForSelectorAsync("#method option[value=s2crnet]", new() { State = WaitForSelectorState.Attached });
            await page.SelectOptionAsync("#method", "s2crnet");
            await page.SetInputFilesAsync("#composite-file", folder.File("c.png"));
            await page.SetInputFilesAsync("#mask-file", folder.File("m.png"));
            await page.ClickAsync("#harmonize");
            await WaitGeneration(page, 0);

            // Upload -> result shown, and it is exactly what the API renders for the page's request.
            var first = await ImageBytes(page, "#after");
            var request = (await page.GetAttributeAsync("#after", "data-request"))!;
            Assert.Equal(first, await ApiRender(server.Client, request));
            Assert.True(await page.IsVisibleAsync("#after"));

            // Strength slider at about 30 %: the image changes and equals POST /api/render's output.
            var slider = (await page.QuerySelectorAsync("#strength"))!;
            var box = (await slider.BoundingBoxAsync())!;
            int generation = await Generation(page);
            await page.Mouse.ClickAsync(box.X + box.Width * 0.3f, box.Y + box.Height / 2);
            await WaitGeneration(page, generation);
            await page.WaitForFunctionAsync("() => !document.getElementById('after').dataset.request.includes('\"strength\":1,')", null, new() { Timeout = 180_000 });
            await Task.Delay(300); // let a pending render settle
            var weaker = await ImageBytes(page, "#after");
            request = (await page.GetAttributeAsync("#after", "data-request"))!;
            double strength = JsonNode.Parse(request)!["strength"]!.GetValue<double>();
            Assert.InRange(strength, 0.15, 0.45);
            Assert.NotEqual(first, weaker);
            Assert.Equal(weaker, await ApiRender(server.Client, request));

            // Drag the middle control point of R up: the result changes and equals the API's render of the edit.
            var points = JsonSerializer.Deserialize<double[][]>((await page.GetAttributeAsync("#curve-canvas", "data-points"))!)!;
            var canvas = (await (await page.QuerySelectorAsync("#curve-canvas"))!.BoundingBoxAsync())!;
            float px = canvas.X + (float)points[2][0] * canvas.Width, py = canvas.Y + (1 - (float)points[2][1]) * canvas.Height;
            generation = await Generation(page);
            await page.Mouse.MoveAsync(px, py);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(px, py - canvas.Height * 0.25f, new() { Steps = 5 });
            await page.Mouse.UpAsync();
            await WaitGeneration(page, generation);
            await page.WaitForFunctionAsync("() => document.getElementById('after').dataset.request.includes('points')", null, new() { Timeout = 180_000 });
            await Task.Delay(500);
            var edited = await ImageBytes(page, "#after");
            request = (await page.GetAttributeAsync("#after", "data-request"))!;
            Assert.NotEqual(weaker, edited);
            Assert.Equal(edited, await ApiRender(server.Client, request));

            // Download PNG: the file equals the API's full-resolution output for the same state.
            var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-png"));
            var downloaded = await File.ReadAllBytesAsync((await download.PathAsync())!);
            var full = await ApiRender(server.Client, request, b => { b["preview"] = false; b["format"] = "png"; });
            Assert.Equal(full, downloaded);
            var image = ImageCodec.Decode(downloaded);
            Assert.Equal((200, 150), (image.Width, image.Height));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }

    [SkippableFact]
    public async Task Study_votes_reach_the_results_page()
    {
        var (playwright, browser) = await LaunchAsync();
        using var folder = new TempFolder();
        foreach (var item in new[] { "a", "b" })
        {
            var dir = Directory.CreateDirectory(Path.Combine(folder.Path, "items", item)).FullName;
            ImageCodec.Write(TestImages.Gradient(64, 48, 1), Path.Combine(dir, "composite.jpg"));
            int seed = 2;
            foreach (var method in new[] { "m1", "m2", "m3" }) ImageCodec.Write(TestImages.Gradient(64, 48, seed++), Path.Combine(dir, method + ".jpg"));
        }
        await using var server = await TestServer.StartAsync(new ServerOptions { StudyDirectory = folder.Path });
        try
        {
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(180_000);
            await page.GotoAsync(server.BaseAddress.ToString());
            var picked = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                await page.WaitForFunctionAsync("() => document.body.dataset.pair");
                var pair = (await page.EvaluateAsync<string>("document.body.dataset.pair")).Split(':');
                picked.Add(i % 2 == 0 ? pair[1] : pair[2]);
                await page.ClickAsync(i % 2 == 0 ? "#vote-left" : "#vote-right");
                await page.WaitForFunctionAsync($"() => document.body.dataset.votes === '{i + 1}'");
            }
            await page.GotoAsync(new Uri(server.BaseAddress, "/results").ToString());
            await page.WaitForFunctionAsync("() => document.body.dataset.loaded === 'true'");
            Assert.Equal("3", await page.TextContentAsync("#votes"));
            var table = await page.TextContentAsync("#scores");
            var wins = picked.GroupBy(m => m).ToDictionary(g => g.Key, g => g.Count());
            var scores = await server.Client.GetFromJsonAsync<JsonElement>("/api/study/scores");
            foreach (var s in scores.GetProperty("scores").EnumerateArray())
            {
                var method = s.GetProperty("method").GetString()!;
                Assert.Equal(wins.GetValueOrDefault(method), s.GetProperty("wins").GetInt32());
                Assert.Contains(method, table);
            }
            Assert.True(File.Exists(Path.Combine(folder.Path, "votes.db")));
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
