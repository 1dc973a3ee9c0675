using Harmonia.Core.Registry;
using System.Threading.RateLimiting;
using Harmonia.Core.Methods;
using Harmonia.Models;
using Harmonia.Web.Api;
using Harmonia.Web.Sessions;
using Harmonia.Web.Study;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Harmonia.Web.Hosting;

/// <summary>
/// Builds the <c>harmonia serve</c> web application: the page, the API with its OpenAPI description at
/// <c>/openapi/v1.json</c>, and in study mode the study pages. Stateless apart from the expiring image cache
/// (and the vote database in study mode), so replicas can sit behind any load balancer.
/// </summary>
public static class HarmoniaServer
{
    /// <summary>Creates the application (not started). <paramref name="registry"/> defaults to every shipped method.</summary>
    public static WebApplication Create(ServerOptions options, NamedRegistry<HarmonizerDescriptor>? registry = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadBytes);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.MaxUploadBytes;
            // Keep uploads in memory (bounded by the body limit x the concurrency limit), never in a temp file.
            f.MemoryBufferThreshold = (int)Math.Min(int.MaxValue, options.MaxUploadBytes);
            f.ValueCountLimit = 64;
        });
        // Binding failures (malformed JSON, missing body) throw, so ErrorMiddleware answers them with a JSON line.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.PropertyNameCaseInsensitive = true;
            // An interval of methods no vote connects is infinite; JSON gets "Infinity" rather than a failure.
            j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        builder.Services.AddOpenApi();
        builder.Services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            r.OnRejected = async (context, token) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "2";
                await ErrorMiddleware.WriteAsync(context.HttpContext, StatusCodes.Status503ServiceUnavailable,
                    "The server is busy (all workers and the queue are full); try again in a few seconds.");
            };
            r.AddConcurrencyLimiter(ApiEndpoints.ComputePolicy, c =>
            {
                c.PermitLimit = options.MaxConcurrent;
                c.QueueLimit = options.QueueLength;
                c.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new MethodPool(registry ?? MethodCatalog.CreateDefault()));
        builder.Services.AddSingleton(new ImageCache(options.CacheExpiry, options.CacheBytes));
        builder.Services.AddSingleton<Uploads>();
        builder.Services.AddSingleton<ComputeGate>();
        if (options.StudyDirectory is not null)
        {
            var study = StudySet.Open(options.StudyDirectory);
            builder.Services.AddSingleton(study);
            builder.Services.AddSingleton(new VoteStore(options.StudyDatabase ?? Path.Combine(options.StudyDirectory, "votes.db")));
        }

        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; connect-src 'self' blob:; style-src 'self'; script-src 'self'";
            await ErrorMiddleware.Handle(context, next);
        });
        app.UseRateLimiter();
        app.MapOpenApi("/openapi/{documentName}.json");
        ApiEndpoints.Map(app);
        if (options.StudyDirectory is not null)
        {
            StudyEndpoints.Map(app);
            EmbeddedPages.Map(app, "study.html");
        }
        else
        {
            EmbeddedPages.Map(app, "index.html");
        }
        app.MapFallback((HttpContext context) =>
            Results.Json(new ApiError($"No page or endpoint at '{context.Request.Path}'."), statusCode: 404));
        return app;
    }
}
