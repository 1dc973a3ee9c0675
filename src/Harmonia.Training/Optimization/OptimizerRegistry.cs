using Harmonia.Core.Errors;
using Harmonia.Core.Registry;
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

/// <summary>A registered optimizer: its <c>--optimizer</c> name, a description and its factory.</summary>
public sealed record OptimizerDescriptor(string Name, string Description, OptimizerFactory Factory) : INamedEntry;

/// <summary>
/// The optimizers by name (<see cref="NamedRegistry{T}"/>): adamw, adam, sgd, rmsprop and lion. Another optimizer is
/// one line in <see cref="CreateDefault"/> with a name constant here, or <c>registry.Register(...)</c> at run time.
/// </summary>
public static class OptimizerRegistry
{
    /// <summary>AdamW (the trainer's default).</summary>
    public const string AdamW = "adamw";
    /// <summary>Adam.</summary>
    public const string Adam = "adam";
    /// <summary>SGD with momentum.</summary>
    public const string Sgd = "sgd";
    /// <summary>RMSprop.</summary>
    public const string RmsProp = "rmsprop";
    /// <summary>Lion.</summary>
    public const string Lion = "lion";

    /// <summary>The registry with every built-in optimizer.</summary>
    public static NamedRegistry<OptimizerDescriptor> CreateDefault() => new NamedRegistry<OptimizerDescriptor>("optimizer")
        .Register(new(AdamW, "AdamW (decoupled weight decay; S²CRNet's choice: lr 2e-4, wd 1e-2)",
            (ps, s) => new Optimizers.ScalarSafeAdamW(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay)))
        .Register(new(Adam, "Adam (L2 weight decay)",
            (ps, s) => new Optimizers.ScalarSafeAdam(ps, s.LearningRate, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay)))
        .Register(new(Sgd, "SGD with momentum beta1",
            (ps, s) => torch.optim.SGD(ps, s.LearningRate, s.Beta1, 0, s.WeightDecay)))
        .Register(new(RmsProp, "RMSprop (alpha 0.99)",
            (ps, s) => new Optimizers.ScalarSafeRMSProp(ps, s.LearningRate, 0.99, s.Epsilon, s.WeightDecay)))
        .Register(new(Lion, "Lion (Chen et al. 2023; PHNet's choice; beta1/beta2 from the settings, paper defaults 0.9/0.99)",
            (ps, s) => new Optimizers.Lion(ps, s.LearningRate, s.Beta1, s.Beta2, s.WeightDecay)));

    /// <summary>Creates the named optimizer over <paramref name="parameters"/> (unknown name: <see cref="UsageException"/>).</summary>
    public static OptimizerHelper Create(this NamedRegistry<OptimizerDescriptor> registry, string name, IEnumerable<Parameter> parameters, OptimizerSettings settings) =>
        registry.Get(name).Factory(parameters, settings);
}
