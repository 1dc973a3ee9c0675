using Harmonia.Core.Errors;
using Harmonia.Core.Methods;
using Harmonia.Training.Contracts;

namespace Harmonia.Training.Methods;

/// <summary>What a method's training factory receives.</summary>
/// <param name="Settings">The method's own options (keys of <see cref="TrainableMethod.Options"/>; flags are "true"/"false").</param>
/// <param name="DataRoot">Training dataset root (iHarmony4 layout).</param>
/// <param name="Size">Training crop size in pixels.</param>
/// <param name="Seed">Run seed (torch is already seeded with it when the factory runs).</param>
/// <param name="OutputDirectory">The run's output folder.</param>
public sealed record TrainingContext(MethodSettings Settings, string DataRoot, int Size, int Seed, string OutputDirectory);

/// <summary>
/// A method that can be trained: its name (the <c>harmonia train &lt;name&gt;</c> subcommand), a description, its own
/// options (each becomes <c>--key</c>; a setting whose default is "false" or "true" becomes a flag), and the factory
/// building its <see cref="ITrainingTask"/>.
/// </summary>
public sealed record TrainableMethod(string Name, string Description, IReadOnlyList<MethodSetting> Options, Func<TrainingContext, ITrainingTask> Factory);

/// <summary>Trainable methods by name.</summary>
public sealed class TrainableMethodRegistry
{
    readonly Dictionary<string, TrainableMethod> methods = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a method; throws when the name is taken.</summary>
    public void Register(TrainableMethod method)
    {
        if (!methods.TryAdd(method.Name, method)) throw new ArgumentException($"Trainable method '{method.Name}' is registered twice.");
    }

    /// <summary>Every method, sorted by name.</summary>
    public IReadOnlyList<TrainableMethod> All => methods.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    /// <summary>The named method; throws <see cref="UsageException"/> when unknown.</summary>
    public TrainableMethod Get(string name) => methods.TryGetValue(name, out var m)
        ? m
        : throw new UsageException($"Unknown trainable method '{name}' (known: {string.Join(", ", All.Select(x => x.Name))}).");
}

/// <summary>
/// The composition root of trainable methods: each method adds one line here
/// (e.g. <c>r.Register(S2CRNetTraining.Method);</c>).
/// </summary>
public static class TrainableMethods
{
    /// <summary>A registry with every trainable method.</summary>
    public static TrainableMethodRegistry CreateDefault()
    {
        var r = new TrainableMethodRegistry();
        r.Register(ChannelGainTask.Method);
        r.Register(PHNetTask.Method);
        r.Register(S2CRNet.S2CRNetTraining.Method);
        return r;
    }
}
