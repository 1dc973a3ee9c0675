using Harmonia.Core.Errors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Optimization;

/// <summary>Hyper-parameters handed to an optimizer factory. Betas follow Adam's naming; other optimizers map them as they see fit.</summary>
/// <param name="LearningRate">Base learning rate.</param>
/// <param name="WeightDecay">Weight decay (decoupled for AdamW and Lion).</param>
/// <param name="Beta1">First moment decay (Adam/AdamW/Lion); momentum for SGD.</param>
/// <param name="Beta2">Second moment decay (Adam/AdamW/Lion).</param>
/// <param name="Epsilon">Numerical epsilon.</param>
public sealed record OptimizerSettings(double LearningRate = 2e-4, double WeightDecay = 1e-2, double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8);

/// <summary>Builds an optimizer over <paramref name="parameters"/>. Implementations must derive from TorchSharp's <see cref="torch.optim.Optimizer"/> helper so the trainer can change the learning rate and save state.</summary>
public delegate OptimizerHelper OptimizerFactory(IEnumerable<Parameter> parameters, OptimizerSettings settings);

/// <summary>
/// Optimizers by name. <see cref="CreateDefault"/> holds adamw, adam, sgd and rmsprop; another optimizer (e.g. Lion)
/// is added with one line there: <c>registry.Register("lion", "Lion (Chen et al. 2023)", (ps, s) =&gt; new Lion(ps, s...));</c>,
/// or at run time with <see cref="Register"/>.
/// </summary>
public sealed class OptimizerRegistry
{
    readonly Dictionary<string, (string Description, OptimizerFactory Factory)> factories = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The registry with every built-in optimizer.</summary>
    public static OptimizerRegistry CreateDefault()
    {
        var r = new OptimizerRegistry();
        r.Register("adamw", "AdamW (decoupled weight decay; S²CRNet's choice: lr 2e-4, wd 1e-2)",
            (ps, s) => new Optimizers.ScalarSafeAdamW(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay));
        r.Register("adam", "Adam (L2 weight decay)",
            (ps, s) => new Optimizers.ScalarSafeAdam(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay));
        r.Register("sgd", "SGD with momentum beta1",
            (ps, s) => torch.optim.SGD(ps, s.LearningRate, s.Beta1, 0, s.WeightDecay));
        r.Register("rmsprop", "RMSprop (alpha 0.99)",
            (ps, s) => new Optimizers.ScalarSafeRMSProp(ps, s.LearningRate, 0.99, s.Epsilon, s.WeightDecay));
        r.Register("lion", "Lion (Chen et al. 2023; PHNet's choice; beta1/beta2 from the settings, paper defaults 0.9/0.99)", (ps, s) => new Optimizers.Lion(ps, s.LearningRate, s.Beta1, s.Beta2, s.WeightDecay));
        return r;
    }

    /// <summary>Adds or replaces an optimizer.</summary>
    public void Register(string name, string description, OptimizerFactory factory) => factories[name] = (description, factory);

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => factories.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The description of a registered optimizer.</summary>
    public string Describe(string name) => Find(name).Description;

    /// <summary>Creates the named optimizer. Throws <see cref="UsageException"/> for an unknown name.</summary>
    public OptimizerHelper Create(string name, IEnumerable<Parameter> parameters, OptimizerSettings settings) =>
        Find(name).Factory(parameters, settings);

    (string Description, OptimizerFactory Factory) Find(string name) =>
        factories.TryGetValue(name, out var f)
            ? f
            : throw new UsageException($"Unknown optimizer '{name}' (known: {string.Join(", ", Names)}).");
}
