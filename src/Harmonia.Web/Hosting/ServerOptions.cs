namespace Harmonia.Web.Hosting;

/// <summary>
/// Settings of <c>harmonia serve</c>. Every limit has a safe default; the server binds to loopback unless
/// <see cref="Urls"/> names another address.
/// </summary>
public sealed record ServerOptions
{
    /// <summary>Kestrel URLs, separated by ';' (default <c>http://127.0.0.1:5080</c>; port 0 picks a free port).</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Largest request body in bytes (all uploaded files together); checked from Content-Length and while reading.</summary>
    public long MaxUploadBytes { get; init; } = 64L << 20;

    /// <summary>Largest image in pixels (width x height), read from the header before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>An uploaded image is dropped this long after its last use.</summary>
    public TimeSpan CacheExpiry { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Memory the image cache may hold, in bytes; the least recently used images go first.</summary>
    public long CacheBytes { get; init; } = 2L << 30;

    /// <summary>Requests that compute (harmonize, images, render) at once; more wait in the queue.</summary>
    public int MaxConcurrent { get; init; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Computing requests that may wait; beyond that the server answers 503 at once.</summary>
    public int QueueLength { get; init; } = 64;

    /// <summary>Longest a computing request may take before it gets 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Longest side of the preview images the page's live controls render; downloads are full resolution.</summary>
    public int PreviewSide { get; init; } = 1600;

    /// <summary>Study mode: the folder made by <c>harmonia study prepare</c>, or null for the normal app.</summary>
    public string? StudyDirectory { get; init; }

    /// <summary>Study mode: the SQLite vote database (default <c>votes.db</c> in <see cref="StudyDirectory"/>).</summary>
    public string? StudyDatabase { get; init; }
}
