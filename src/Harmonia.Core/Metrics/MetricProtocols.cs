using Harmonia.Core.Registry;

namespace Harmonia.Core.Metrics;

/// <summary>The known metric protocols by name (case-insensitive). Add a protocol with one <c>Register</c> in <see cref="Registry"/>.</summary>
public static class MetricProtocols
{
    /// <summary>The canonical protocol.</summary>
    public static readonly MetricProtocol Harmonia = new HarmoniaProtocol();

    /// <summary>The iHarmony4 repository's evaluation.</summary>
    public static readonly MetricProtocol Ihm4 = new Ihm4Protocol();

    /// <summary>PCT-Net's full-resolution evaluation (soft mask), the protocol of its per-image result CSVs.</summary>
    public static readonly MetricProtocol PctNet = new PctNetProtocol();

    /// <summary>Every protocol by name, the default first.</summary>
    public static NamedRegistry<MetricProtocol> Registry { get; } =
        new NamedRegistry<MetricProtocol>("metric protocol").Register(Harmonia).Register(Ihm4).Register(PctNet);

    /// <summary>Every protocol, the default first.</summary>
    public static IReadOnlyList<MetricProtocol> All => Registry.All;

    /// <summary>The protocol named <paramref name="name"/>, or a <see cref="Errors.UsageException"/> listing the known ones.</summary>
    public static MetricProtocol Get(string name) => Registry.Get(name);
}
