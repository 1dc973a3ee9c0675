using Harmonia.Core.Registry;

namespace Harmonia.Core.Methods.Classical;

/// <summary>Registers the classical (statistics-based, training-free) methods.</summary>
public static class ClassicalMethods
{
    /// <summary>Adds every classical method to <paramref name="registry"/>.</summary>
    public static void RegisterAll(NamedRegistry<HarmonizerDescriptor> registry)
    {
        registry.Register(ReinhardTransfer.Descriptor);
        registry.Register(StatisticsNormalization.Descriptor);
        registry.Register(MongeKantorovichTransfer.Descriptor);
        registry.Register(HistogramMatching.Descriptor);
    }
}
