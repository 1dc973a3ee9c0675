using System.CommandLine;
using Harmonia.Core.Errors;
using Harmonia.Web.Hosting;
using Microsoft.Extensions.Hosting;

namespace Harmonia.Cli.Commands;

/// <summary><c>harmonia serve</c>: the web app and its HTTP API (or the user study with <c>--study DIR</c>).</summary>
public static class ServeCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new ServerOptions();
        var port = new Option<int>("--port", "-p") { Description = "Port on 127.0.0.1.", DefaultValueFactory = _ => 5080 };
        var urls = new Option<string?>("--urls") { Description = "Kestrel URLs separated by ';' (e.g. http://0.0.0.0:8080 to listen on every interface); overrides --port." };
        var study = new Option<string?>("--study") { Description = "Serve the user study of this folder (made by 'harmonia study prepare') instead of the app." };
        var studyDb = new Option<string?>("--study-db") { Description = "Study mode: the SQLite vote database (default: DIR/votes.db)." };
        var maxUpload = new Option<double>("--max-upload-mb") { Description = "Largest request body in MB.", DefaultValueFactory = _ => defaults.MaxUploadBytes / 1e6 };
        var maxPixels = new Option<double>("--max-megapixels") { Description = "Largest image in megapixels (checked from the header, before decoding).", DefaultValueFactory = _ => defaults.MaxPixels / 1e6 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests computing at once.", DefaultValueFactory = _ => defaults.MaxConcurrent };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait for a worker; more get 503.", DefaultValueFactory = _ => defaults.QueueLength };
        var timeout = new Option<double>("--timeout") { Description = "Seconds a computing request may take before it gets 504.", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds };
        var expiry = new Option<double>("--cache-minutes") { Description = "Minutes an uploaded image is kept after its last use.", DefaultValueFactory = _ => defaults.CacheExpiry.TotalMinutes };

        var command = new Command("serve", "Run the web app (upload, method picker, before/after, live strength and curve controls, download) and its HTTP API on localhost.")
        {
            port, urls, study, studyDb, maxUpload, maxPixels, concurrency, queue, timeout, expiry,
        };
        command.SetAction(parsed =>
        {
            int p = parsed.GetValue(port);
            if (p is < 0 or > 65535) throw new UsageException($"--port must be between 0 and 65535, got {p}.");
            var studyDir = parsed.GetValue(study);
            if (studyDir is not null && !Directory.Exists(studyDir)) throw new UsageException($"--study folder '{studyDir}' does not exist.");
            var options = new ServerOptions
            {
                Urls = parsed.GetValue(urls) ?? $"http://127.0.0.1:{p}",
                MaxUploadBytes = Positive(parsed.GetValue(maxUpload), "--max-upload-mb", 1e6),
                MaxPixels = Positive(parsed.GetValue(maxPixels), "--max-megapixels", 1e6),
                MaxConcurrent = (int)Positive(parsed.GetValue(concurrency), "--concurrency", 1),
                QueueLength = (int)Math.Max(0, parsed.GetValue(queue)),
                RequestTimeout = TimeSpan.FromSeconds(Positive(parsed.GetValue(timeout), "--timeout", 1)),
                CacheExpiry = TimeSpan.FromMinutes(Positive(parsed.GetValue(expiry), "--cache-minutes", 1)),
                StudyDirectory = studyDir,
                StudyDatabase = parsed.GetValue(studyDb),
            };
            var app = HarmoniaServer.Create(options);
            try
            {
                app.Start();
            }
            catch (IOException e)
            {
                throw new HarmoniaException($"Cannot listen on {options.Urls}: {e.Message.Split('\n')[0]}");
            }
            Console.WriteLine($"harmonia serve: {(studyDir is null ? "app" : "study")} on {string.Join(", ", app.Urls)} (API description at /openapi/v1.json; Ctrl+C stops).");
            app.WaitForShutdown();
            return 0;
        });
        return command;
    }

    static long Positive(double value, string name, double unit) =>
        value > 0 && value * unit < long.MaxValue ? (long)(value * unit) : throw new UsageException($"{name} must be positive, got {value}.");
}
