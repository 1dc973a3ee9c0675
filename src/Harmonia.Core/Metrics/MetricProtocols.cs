using Harmonia.Core.Errors;

namespace Harmonia.Core.Metrics;

/// <summary>The known metric protocols by name (case-insensitive). Add a protocol by adding it to <see cref="All"/>.</summary>
public static class MetricProtocols
{
    /// <summary>The canonical protocol.</summary>
    public static readonly MetricProtocol Harmonia = new HarmoniaProtocol();

    /// <summary>The iHarmony4 repository's evaluation.</summary>
    public static readonly MetricProtocol Ihm4 = new Ihm4Protocol();

    /// <summary>PCT-Net's full-resolution evaluation (soft mask), the protocol of its per-image result CSVs.</summary>
    public static readonly MetricProtocol PctNet = new PctNetProtocol();

    /// <summary>Every protocol, the default first.</summary>
    public static IReadOnlyList<MetricProtocol> All { get; } = [Harmonia, Ihm4, PctNet];

    /// <summary>The protocol named <paramref name="name"/>, or a <see cref="UsageException"/> listing the known ones.</summary>
    public static MetricProtocol Get(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new UsageException($"Unknown metric protocol '{name}' (known: {string.Join(", ", All.Select(p => p.Name))}).");
}
