using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Web.Api;
using Harmonia.Web.Hosting;
using Spectre.Console;

namespace Harmonia.Bench;

/// <summary>
/// <c>serve</c>: a bounded load test of <c>harmonia serve</c> on loopback (N clients for S seconds, a mix of
/// one-shot harmonize and live re-render requests) and the re-render latency at 12 MP (in process and over HTTP).
/// The server runs in this process and shares the CPU with the clients.
/// </summary>
public static class ServeBench
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var clients = new Option<int>("--clients") { Description = "Concurrent clients.", DefaultValueFactory = _ => 50 };
        var seconds = new Option<int>("--seconds") { Description = "Duration of the load test.", DefaultValueFactory = _ => 60 };
        var harmonizeShare = new Option<double>("--harmonize-share") { Description = "Share of requests that are POST /api/harmonize (the rest POST /api/render).", DefaultValueFactory = _ => 0.2 };
        var method = new Option<string>("--method") { Description = "Method of the harmonize requests.", DefaultValueFactory = _ => MethodCatalog.DefaultMethod };
        var width = new Option<int>("--width") { Description = "Width of the load-test composite (height 3/4 of it).", DefaultValueFactory = _ => 1024 };
        var skipLoad = new Option<bool>("--skip-load") { Description = "Only measure the 12 MP re-render." };
        var command = new Command("serve", "Load test of harmonia serve on loopback (errors, p50/p95 latency) and the 12 MP re-render latency.")
        {
            clients, seconds, harmonizeShare, method, width, skipLoad,
        };
        command.SetAction(parsed => Run(parsed.GetValue(clients), parsed.GetValue(seconds), parsed.GetValue(harmonizeShare), parsed.GetValue(method)!,
            parsed.GetValue(width), parsed.GetValue(skipLoad)).GetAwaiter().GetResult());
        return command;
    }

    static MultipartFormDataContent Form(byte[] composite, byte[] mask, string method) => ApiForms.Harmonize(composite, mask, ("method", method));

    static byte[] MaskPng(Mask mask) => ImageCodec.EncodeMask(mask);

    static double Percentile(List<double> values, double p)
    {
        if (values.Count == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    static async Task<int> Run(int clients, int seconds, double harmonizeShare, string method, int width, bool skipLoad)
    {
        var options = new ServerOptions { Urls = "http://127.0.0.1:0", QueueLength = Math.Max(64, clients * 2) };
        await using var app = HarmoniaServer.Create(options);
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(300) };
        AnsiConsole.MarkupLine($"[grey]{Environment.ProcessorCount} cores; server in this process; concurrency {options.MaxConcurrent}, queue {options.QueueLength}[/]");
        if (!skipLoad) await LoadTest(http, clients, seconds, harmonizeShare, method, width);
        await Rerender(http, method);
        await app.StopAsync();
        return 0;
    }

    static async Task LoadTest(HttpClient http, int clients, int seconds, double harmonizeShare, string method, int width)
    {
        var (image, mask) = BenchScenes.Textured(width, width * 3 / 4);
        var compositePng = ImageCodec.Encode(image, ".png");
        var maskPng = MaskPng(mask);
        var created = await (await http.PostAsync("/api/images", Form(compositePng, maskPng, method))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        var latencies = new ConcurrentDictionary<string, ConcurrentBag<double>>();
        var errors = new ConcurrentDictionary<string, int>();
        var deadline = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var rng = new Random(client);
            while (deadline.Elapsed.TotalSeconds < seconds)
            {
                bool harmonize = rng.NextDouble() < harmonizeShare;
                var kind = harmonize ? "harmonize" : "render";
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = harmonize
                        ? await http.PostAsync("/api/harmonize", Form(compositePng, maskPng, method))
                        : await http.PostAsJsonAsync("/api/render", new { id, strength = Math.Round(rng.NextDouble(), 2), preview = true, format = "jpeg" });
                    await response.Content.ReadAsByteArrayAsync();
                    if (!response.IsSuccessStatusCode) errors.AddOrUpdate($"{kind} {(int)response.StatusCode}", 1, (_, n) => n + 1);
                    else latencies.GetOrAdd(kind, _ => []).Add(watch.Elapsed.TotalMilliseconds);
                }
                catch (Exception e)
                {
                    errors.AddOrUpdate($"{kind} {e.GetType().Name}", 1, (_, n) => n + 1);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        double elapsed = deadline.Elapsed.TotalSeconds;
        var table = new Table().AddColumns("request", "ok", "errors", "p50 ms", "p95 ms", "max ms", "per s");
        foreach (var kind in new[] { "harmonize", "render" })
        {
            var values = latencies.TryGetValue(kind, out var bag) ? bag.ToList() : [];
            int failed = errors.Where(e => e.Key.StartsWith(kind, StringComparison.Ordinal)).Sum(e => e.Value);
            table.AddRow(kind, values.Count.ToString(), failed.ToString(), $"{Percentile(values, 0.5):F0}", $"{Percentile(values, 0.95):F0}",
                values.Count == 0 ? "-" : $"{values.Max():F0}", $"{values.Count / elapsed:F1}");
        }
        AnsiConsole.MarkupLine($"Load test: {clients} clients, {elapsed:F0} s, {width}x{width * 3 / 4} composite, {harmonizeShare:P0} harmonize ({method}), rest render (preview JPEG)");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(errors.IsEmpty ? "errors: 0" : "errors: " + string.Join(", ", errors.Select(e => $"{e.Key} x{e.Value}")));
    }

    static async Task Rerender(HttpClient http, string method)
    {
        var (image, mask) = BenchScenes.Textured(4000, 3000);
        var registry = MethodCatalog.CreateDefault();
        var harmonizer = registry.Create(method);
        var table = new Table().AddColumns("12 MP (4000x3000) re-render", "median ms", "p95 ms", "runs");
        if (harmonizer is IParametricHarmonizer parametric)
        {
            var parameters = parametric.Predict(image, mask);
            var times = new List<double>();
            for (int i = 0; i < 15; i++)
            {
                var watch = Stopwatch.StartNew();
                parameters.Render(image, mask, (i % 10 + 1) / 10f);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times = times.Skip(3).ToList();
            table.AddRow("in process: IHarmonizationParameters.Render (the server's work)", $"{BenchScenes.Median(times):F0}", $"{Percentile(times, 0.95):F0}", times.Count.ToString());
        }
        var created = await (await http.PostAsync("/api/images", Form(ImageCodec.Encode(image, ".png"), MaskPng(mask), method))).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString()!;
        foreach (var (label, preview, format) in new[] { ("HTTP /api/render preview (1600 px JPEG, what the slider uses)", true, "jpeg"), ("HTTP /api/render full 12 MP JPEG (render + encode + transfer)", false, "jpeg") })
        {
            var times = new List<double>();
            for (int i = 0; i < 8; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.PostAsJsonAsync("/api/render", new { id, strength = (i % 10 + 1) / 10.0, preview, format });
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times = times.Skip(2).ToList();
            table.AddRow(label, $"{BenchScenes.Median(times):F0}", $"{Percentile(times, 0.95):F0}", times.Count.ToString());
        }
        AnsiConsole.Write(table);
    }
}
