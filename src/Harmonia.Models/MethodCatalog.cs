using Harmonia.Core.Registry;
using Harmonia.Core.Methods;
using Harmonia.Core.Methods.Classical;

namespace Harmonia.Models;

/// <summary>The composition root of methods: every classical and learned method, registered by name.</summary>
public static class MethodCatalog
{
    /// <summary>
    /// The method <c>harmonize</c> uses when none is named: cascade (s2crnet's curves, then phnet) when phnet's shipped
    /// weights are beside the binaries and s2crnet's are embedded (the lowest fMSE on the synth-v2 test split, issue #10's
    /// choosing split: docs/methods/cascade.md), else phnet alone when its weights are there, else s2crnet when its
    /// weights are embedded, else reinhard.
    /// </summary>
    public static string DefaultMethod =>
        File.Exists(PHNet.PHNetMethod.DefaultModelPath) ? (S2CRNet.S2CRNetWeights.HasEmbedded ? Cascade.CascadeMethod.Name : PHNet.PHNetMethod.Name)
        : S2CRNet.S2CRNetWeights.HasEmbedded ? S2CRNet.S2CRNetMethod.Name
        : Core.Methods.Classical.ReinhardTransfer.Name;

    /// <summary>A registry holding every method Harmonia ships.</summary>
    public static NamedRegistry<HarmonizerDescriptor> CreateDefault()
    {
        var registry = HarmonizerRegistry.CreateEmpty();
        ClassicalMethods.RegisterAll(registry);
        registry.Register(PHNet.PHNetMethod.Descriptor);
        registry.Register(S2CRNet.S2CRNetMethod.Descriptor);
        registry.Register(PIH.PIHMethod.Descriptor);
        registry.Register(Contrastive.ContrastiveMethod.Descriptor);
        registry.Register(CharmNet.CharmNetMethod.Descriptor);
        registry.Register(Cascade.CascadeMethod.Descriptor);
        return registry;
    }
}
