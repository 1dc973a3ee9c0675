using Harmonia.Core.Methods;
using Harmonia.Core.Registry;
using Harmonia.Training.Contracts;

namespace Harmonia.Training.Methods;

/// <summary>What a method's training factory receives.</summary>
/// <param name="Settings">The method's own options (keys of <see cref="TrainableMethod.Options"/>; flags are "true"/"false").</param>
/// <param name="DataRoot">Training dataset root (iHarmony4 layout).</param>
/// <param name="Size">Training crop size in pixels.</param>
/// <param name="Seed">Run seed (torch is already seeded with it when the factory runs).</param>
/// <param name="OutputDirectory">The run's output folder.</param>
/// <param name="BatchSize">Samples per training batch (a method drawing a second stream matches it).</param>
public sealed record TrainingContext(MethodSettings Settings, string DataRoot, int Size, int Seed, string OutputDirectory, int BatchSize = 8);

/// <summary>
/// A method that can be trained: its name (the <c>harmonia train &lt;name&gt;</c> subcommand), a description, its own
/// options (each becomes <c>--key</c>; a setting whose default is "false" or "true" becomes a flag), and the factory
/// building its <see cref="ITrainingTask"/>. <paramref name="OwnsAdversary"/>: the task runs its own discriminator
/// (PIH), so the trainer adds none (as with <c>--no-adv</c>).
/// </summary>
public sealed record TrainableMethod(string Name, string Description, IReadOnlyList<MethodSetting> Options, Func<TrainingContext, ITrainingTask> Factory,
    bool OwnsAdversary = false) : INamedEntry;

/// <summary>
/// The composition root of trainable methods: each method adds one line here
/// (e.g. <c>r.Register(S2CRNetTraining.Method);</c>).
/// </summary>
public static class TrainableMethods
{
    /// <summary>A registry with every trainable method.</summary>
    public static NamedRegistry<TrainableMethod> CreateDefault()
    {
        var r = new NamedRegistry<TrainableMethod>("trainable method");
        r.Register(ChannelGain.ChannelGainTrainingTask.Method);
        r.Register(PHNet.PHNetTraining.Method);
        r.Register(S2CRNet.S2CRNetTraining.Method);
        r.Register(PIH.PIHTraining.Method);
        r.Register(Contrastive.ContrastiveTraining.Method);
        r.Register(CharmNet.CharmNetTraining.Method);
        return r;
    }
}
