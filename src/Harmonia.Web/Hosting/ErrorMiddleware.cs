using Harmonia.Core.Errors;
using Harmonia.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Harmonia.Web.Hosting;

/// <summary>
/// Turns every exception into a JSON error with one line a person can read and a fitting status code; no stack
/// trace leaves the server.
/// </summary>
public static class ErrorMiddleware
{
    /// <summary>Runs <paramref name="next"/> and maps failures to responses.</summary>
    public static async Task Handle(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody reads an answer.
        }
        catch (Exception e)
        {
            var (status, message) = Describe(e);
            if (context.Response.HasStarted) return;
            await WriteAsync(context, status, message);
        }
    }

    /// <summary>Writes <c>{"error": message}</c> with <paramref name="status"/>.</summary>
    public static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiError(message));
    }

    /// <summary>The status code and one-line message for <paramref name="e"/>.</summary>
    public static (int Status, string Message) Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        return e switch
        {
            ApiException a => (a.StatusCode, a.Message),
            UsageException u => (StatusCodes.Status400BadRequest, u.Message),
            HarmoniaException h => (StatusCodes.Status422UnprocessableEntity, h.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "The upload is larger than the server accepts."),
            BadHttpRequestException b => (b.StatusCode, OneLine(b.Message)),
            InvalidDataException d => (StatusCodes.Status413PayloadTooLarge, "The form is larger than the server accepts: " + OneLine(d.Message)),
            TimeoutException => (StatusCodes.Status504GatewayTimeout, "The request took longer than the server's time limit; try a smaller image."),
            System.Text.Json.JsonException j => (StatusCodes.Status400BadRequest, "The JSON body is malformed: " + OneLine(j.Message)),
            _ => (StatusCodes.Status500InternalServerError, $"Unexpected failure: {e.GetType().Name}: {OneLine(e.Message)}"),
        };
    }

    static string OneLine(string message) => message.Split('\n')[0].Trim();
}
