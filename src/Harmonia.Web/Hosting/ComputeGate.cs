using Harmonia.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Harmonia.Web.Hosting;

/// <summary>
/// Runs CPU work off the request thread with the server's per-request time limit. A request over the limit gets
/// 504 at once; its computation cannot be interrupted and finishes in the background. Such a computation still
/// counts against <see cref="ServerOptions.MaxConcurrent"/> until it ends (the request limiter's permit is returned
/// with the response), so timed-out work cannot pile up: a request that finds every compute slot taken gets 503.
/// </summary>
public sealed class ComputeGate(ServerOptions options)
{
    int running;

    /// <summary>Runs <paramref name="work"/>; throws <see cref="TimeoutException"/> after the time limit, <see cref="ApiException"/> (503) when every slot is busy.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken aborted)
    {
        if (Interlocked.Increment(ref running) > options.MaxConcurrent)
        {
            Interlocked.Decrement(ref running);
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, "The server is busy (all workers are computing); try again in a few seconds.");
        }
        var task = Task.Run(() =>
        {
            try { return work(); }
            finally { Interlocked.Decrement(ref running); }
        }, CancellationToken.None);
        return task.WaitAsync(options.RequestTimeout, aborted);
    }
}
