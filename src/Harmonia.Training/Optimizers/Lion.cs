using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Optimizers;

/// <summary>
/// Lion ("EvoLved Sign Momentum", Chen et al. 2023, "Symbolic discovery of optimization algorithms"); PHNet trains with it.
/// Per parameter p with gradient g and momentum m (zeros at start), each step:
/// <code>
/// p ← p·(1 − lr·wd)                     decoupled weight decay
/// p ← p − lr·sign(β1·m + (1 − β1)·g)    the update is a sign: every coordinate moves by exactly lr
/// m ← β2·m + (1 − β2)·g
/// </code>
/// Defaults β1 = 0.9, β2 = 0.99. Because |update| = lr per coordinate, Lion's learning rate is usually 3-10x smaller
/// than AdamW's. A TorchSharp <see cref="OptimizerHelper"/>, so schedulers, <c>save_state_dict</c> and
/// <c>load_state_dict</c> work as for the built-in optimizers.
/// </summary>
public sealed class Lion : OptimizerHelper
{
    // Scalars handed to libtorch are cached or held here, never temporary (Models/Runtime/README.md).
    readonly CachedScalar decay = new(), negativeRate = new();

    /// <summary>Creates Lion over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate (step size of every coordinate).</param>
    /// <param name="beta1">Interpolation weight of the momentum in the update direction.</param>
    /// <param name="beta2">Decay of the momentum.</param>
    /// <param name="weightDecay">Decoupled weight decay factor (multiplied by lr).</param>
    public Lion(IEnumerable<Parameter> parameters, double lr = 1e-4, double beta1 = 0.9, double beta2 = 0.99, double weightDecay = 0)
    {
        if (lr < 0) throw new ArgumentException($"Invalid learning rate: {lr}");
        if (beta1 is < 0 or > 1) throw new ArgumentException($"Invalid beta1: {beta1}");
        if (beta2 is < 0 or > 1) throw new ArgumentException($"Invalid beta2: {beta2}");
        if (weightDecay < 0) throw new ArgumentException($"Invalid weight decay: {weightDecay}");
        _defaults = new Options { LearningRate = lr, InitialLearningRate = lr, beta1 = beta1, beta2 = beta2, weight_decay = weightDecay };
        _parameter_groups = new List<ParamGroup>();
        add_param_group(new ParamGroup<Options>(parameters, new Options()));
    }

    /// <summary>Performs one Lion step on every parameter that has a gradient.</summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        return _step<ParamGroup<Options>>(group =>
        {
            var options = (Options)group.Options;
            double lr = options.LearningRate!.Value, beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, wd = options.weight_decay!.Value;
            foreach (var param in group.Parameters)
            {
                var grad = param.grad;
                if (grad is null || !param.requires_grad) continue;   // frozen parameters (e.g. a training stage) stay put
                var state = (State)_state[param.Handle];
                state.step++;
                using var scope = NewDisposeScope();
                if (wd != 0) param.mul_(decay.Of(1 - lr * wd));
                var direction = state.exp_avg.mul(TorchScalars.Of(beta1)).add_(grad, alpha: TorchScalars.Of(1 - beta1)).sign_();
                param.add_(direction, alpha: negativeRate.Of(-lr));
                state.exp_avg.mul_(TorchScalars.Of(beta2)).add_(grad, alpha: TorchScalars.Of(1 - beta2));
            }
        }, closure!);
    }

    /// <inheritdoc />
    public override void add_param_group(ParamGroup param_group)
    {
        var defaults = (Options)_defaults;
        param_group.Options ??= new Options();
        var options = (Options)param_group.Options;
        options.LearningRate ??= defaults.LearningRate;
        options.beta1 ??= defaults.beta1;
        options.beta2 ??= defaults.beta2;
        options.weight_decay ??= defaults.weight_decay;
        options.InitialLearningRate = options.LearningRate!.Value;
        _parameter_groups.Add(param_group);
        foreach (var p in param_group.Parameters)
        {
            var state = new State(p);
            state.Initialize(options);
            _state[p.Handle] = state;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        foreach (var (_, s) in _state) ((State)s).Dispose();
        decay.Dispose();
        negativeRate.Dispose();
    }

    /// <summary>Per-parameter state: step count and momentum.</summary>
    public sealed class State : OptimizerState, IDisposable
    {
#pragma warning disable IDE1006 // names as in PyTorch's optimizer state
        /// <summary>Steps taken.</summary>
        public long step;
        /// <summary>Momentum m.</summary>
        public Tensor exp_avg = null!;
#pragma warning restore IDE1006

        /// <summary>State of <paramref name="parameter"/>.</summary>
        public State(Parameter parameter) : base(parameter) { }

        /// <inheritdoc />
        public override void Initialize(OptimizerOptions options)
        {
            step = 0;
            exp_avg = zeros_like(_parameter).DetachFromDisposeScope();
        }

        /// <inheritdoc />
        public void Dispose() => exp_avg.Dispose();

        /// <inheritdoc />
        public override void to(Device device) => exp_avg = exp_avg.to(device);

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            step = reader.ReadInt64();
            exp_avg.Load(reader);
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            writer.Write(step);
            exp_avg.Save(writer);
        }

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerState source)
        {
            var other = (State)source;
            exp_avg.Dispose();
            step = other.step;
            exp_avg = other.exp_avg;
        }

        /// <inheritdoc />
        public override bool ApproximatelyEquals(OptimizerState other) =>
            other is State s && s.step == step && s.exp_avg.allclose(exp_avg);
    }

    /// <summary>Hyper-parameters of a parameter group.</summary>
    public sealed class Options : OptimizerOptions
    {
#pragma warning disable IDE1006
        /// <summary>β1.</summary>
        public double? beta1;
        /// <summary>β2.</summary>
        public double? beta2;
        /// <summary>Decoupled weight decay.</summary>
        public double? weight_decay;
#pragma warning restore IDE1006

        /// <inheritdoc />
        public override void LoadStateDict(OptimizerOptions source)
        {
            base.LoadStateDict(source);
            var o = (Options)source;
            beta1 = o.beta1;
            beta2 = o.beta2;
            weight_decay = o.weight_decay;
        }

        /// <inheritdoc />
        public override void LoadStateDict(BinaryReader reader)
        {
            base.LoadStateDict(reader);
            beta1 = reader.ReadDouble();
            beta2 = reader.ReadDouble();
            weight_decay = reader.ReadDouble();
        }

        /// <inheritdoc />
        public override void SaveStateDict(BinaryWriter writer)
        {
            base.SaveStateDict(writer);
            writer.Write(beta1!.Value);
            writer.Write(beta2!.Value);
            writer.Write(weight_decay!.Value);
        }
    }
}
