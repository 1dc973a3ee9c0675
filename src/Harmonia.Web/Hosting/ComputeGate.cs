namespace Harmonia.Web.Hosting;

/// <summary>
/// Runs CPU work off the request thread with the server's per-request time limit. A request over the limit gets
/// 504 at once; its computation cannot be interrupted and finishes in the background (its method instance stays
/// busy until then).
/// </summary>
public sealed class ComputeGate(ServerOptions options)
{
    /// <summary>Runs <paramref name="work"/>; throws <see cref="TimeoutException"/> after the time limit.</summary>
    public Task<T> RunAsync<T>(Func<T> work, CancellationToken aborted) =>
        Task.Run(work, CancellationToken.None).WaitAsync(options.RequestTimeout, aborted);
}
