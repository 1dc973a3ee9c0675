using System.Security.Cryptography;
using Harmonia.Web.Api;

namespace Harmonia.Web.Sessions;

/// <summary>
/// Uploaded images and what was predicted for them, in memory only, by a random id. An entry expires
/// <c>expiry</c> after its last use; when the cache would exceed <c>capacityBytes</c> the least recently used
/// entries go first. Thread-safe.
/// </summary>
public sealed class ImageCache(TimeSpan expiry, long capacityBytes, TimeProvider? clock = null)
{
    readonly TimeProvider time = clock ?? TimeProvider.System;
    readonly Dictionary<string, (ImageSession Session, DateTimeOffset LastUse)> entries = new(StringComparer.Ordinal);
    long bytes;

    /// <summary>Entries held now.</summary>
    public int Count { get { lock (entries) return entries.Count; } }

    /// <summary>Bytes held now.</summary>
    public long Bytes { get { lock (entries) return bytes; } }

    /// <summary>Stores <paramref name="session"/> and returns its new id (32 lowercase hex digits).</summary>
    public string Add(ImageSession session)
    {
        if (session.Bytes > capacityBytes)
            throw new ApiException(413, "The image is larger than the server's image cache; use a smaller image.");
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        lock (entries)
        {
            DropExpired();
            while (bytes + session.Bytes > capacityBytes && entries.Count > 0)
            {
                var oldest = entries.MinBy(e => e.Value.LastUse).Key;
                Remove(oldest);
            }
            entries[id] = (session, time.GetUtcNow());
            bytes += session.Bytes;
        }
        return id;
    }

    /// <summary>The session of <paramref name="id"/> (its expiry restarts), or a 404 <see cref="ApiException"/>.</summary>
    public ImageSession Get(string? id)
    {
        lock (entries)
        {
            DropExpired();
            if (id is null || !entries.TryGetValue(id, out var entry))
                throw new ApiException(404, "Unknown or expired image id; upload the image again.");
            entries[id] = (entry.Session, time.GetUtcNow());
            return entry.Session;
        }
    }

    void DropExpired()
    {
        var now = time.GetUtcNow();
        foreach (var id in entries.Where(e => now - e.Value.LastUse > expiry).Select(e => e.Key).ToList()) Remove(id);
    }

    void Remove(string id)
    {
        bytes -= entries[id].Session.Bytes;
        entries.Remove(id);
    }
}
