using Harmonia.Tests.Support;
using Microsoft.Playwright;

namespace Harmonia.Tests.Web;

/// <summary>
/// Takes the README's screenshot of the page (examples/drum, s2crnet, strength 0.8, mask outline on) when
/// HARMONIA_SCREENSHOT names the PNG to write; skipped otherwise. Run:
/// <c>HARMONIA_SCREENSHOT=$PWD/docs/serve.png dotnet test -c Release --filter ScreenshotTests</c>.
/// </summary>
public sealed class ScreenshotTests
{
    [SkippableFact]
    public async Task Page_screenshot_for_the_readme()
    {
        var target = Environment.GetEnvironmentVariable("HARMONIA_SCREENSHOT");
        Skip.If(string.IsNullOrEmpty(target), "HARMONIA_SCREENSHOT is not set; the README screenshot is taken on demand only.");
        var (playwright, browser) = await BrowserTests.LaunchAsync();
        await using var server = await TestServer.StartAsync();
        try
        {
            var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new() { Width = 1180, Height = 760 } });
            await page.GotoAsync(server.BaseAddress.ToString());
            await page.WaitForSelectorAsync("#method option[value=s2crnet]", new() { State = WaitForSelectorState.Attached });
            await page.SetInputFilesAsync("#composite-file", Path.Combine(SharedData.RepoRoot, "examples", "drum_composite.jpg"));
            await page.SetInputFilesAsync("#mask-file", Path.Combine(SharedData.RepoRoot, "examples", "drum_mask.png"));
            await page.ClickAsync("#harmonize");
            await page.WaitForFunctionAsync("() => Number(document.getElementById('after').dataset.generation || 0) > 0 || document.getElementById('status').classList.contains('error')", null, new() { Timeout = 120_000 });
            Assert.Equal("1", await page.GetAttributeAsync("#after", "data-generation") + " " + await page.TextContentAsync("#status") is var s && s.StartsWith('1') ? "1" : s);
            await page.CheckAsync("#outline");
            await page.WaitForTimeoutAsync(300);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = target, Type = ScreenshotType.Png });
            Assert.True(new FileInfo(target!).Length > 10_000);
        }
        finally
        {
            await browser.DisposeAsync();
            playwright.Dispose();
        }
    }
}
