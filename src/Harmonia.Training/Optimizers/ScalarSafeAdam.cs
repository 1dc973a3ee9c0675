using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Optimizers;

/// <summary>
/// The update shared by <see cref="ScalarSafeAdam"/> and <see cref="ScalarSafeAdamW"/> (Kingma &amp; Ba 2015): per
/// parameter with gradient g at step t,
/// <code>
/// m ← β1·m + (1 − β1)·g;   v ← β2·v + (1 − β2)·g²;   (AMSGrad: v̂ ← max(v̂, v))
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
/// </code>
/// as TorchSharp 0.107's Adam does, but every Scalar handed to libtorch is cached (<see cref="TorchScalars"/>) or held
/// by the optimizer (<see cref="CachedScalar"/>): TorchSharp's own step converts numbers to temporary Scalars that a
/// collection on another thread can finalize mid-call (Models/Runtime/README.md).
/// </summary>
sealed class AdamUpdate : IDisposable
{
    readonly CachedScalar stepSize = new(), correction = new(), decay = new();

    /// <summary>
    /// Calls <paramref name="update"/> for every parameter with a gradient (negated when maximizing), each inside its
    /// own dispose scope; the loop every scalar-safe optimizer shares.
    /// </summary>
    public static void ForEachGradient(IEnumerable<Parameter> parameters, bool maximize, Action<Parameter, Tensor> update)
    {
        foreach (var param in parameters)
        {
            if (param.grad is not { } grad) continue;
            using var scope = NewDisposeScope();
            update(param, maximize ? grad.neg() : grad);
        }
    }

    /// <summary>The gradient plus the L2 term wd·p (Adam's and RMSProp's weight decay).</summary>
    public static Tensor WithL2(Tensor grad, Tensor param, double weightDecay) =>
        weightDecay == 0 ? grad : grad.add(param, alpha: TorchScalars.Of(weightDecay));

    /// <summary>Decoupled weight decay p ← p·(1 − lr·wd) (AdamW).</summary>
    public void Decay(Tensor param, double lr, double weightDecay)
    {
        if (weightDecay != 0) param.mul_(decay.Of(1 - lr * weightDecay));
    }

    /// <summary>Moments and parameter update of one parameter; <paramref name="grad"/> already includes any L2 term.</summary>
    public void Apply(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, ref Tensor? maxExpAvgSq, long step,
        double lr, double beta1, double beta2, double eps, bool amsgrad)
    {
        using var scope = NewDisposeScope();
        expAvg.mul_(TorchScalars.Of(beta1)).add_(grad, alpha: TorchScalars.Of(1 - beta1));
        expAvgSq.mul_(TorchScalars.Of(beta2)).addcmul_(grad, grad, value: TorchScalars.Of(1 - beta2));
        var second = expAvgSq;
        if (amsgrad)
        {
            var previous = maxExpAvgSq ?? zeros_like(expAvgSq).DetachFromDisposeScope();
            maxExpAvgSq = maximum(previous, expAvgSq).DetachFromDisposeScope();
            previous.Dispose();
            second = maxExpAvgSq;
        }
        double biasCorrection1 = 1 - Math.Pow(beta1, step), biasCorrection2 = 1 - Math.Pow(beta2, step);
        var denominator = second.sqrt().div_(correction.Of(Math.Sqrt(biasCorrection2))).add_(TorchScalars.Of(eps), TorchScalars.One);
        param.addcdiv_(expAvg, denominator, value: stepSize.Of(-lr / biasCorrection1));
    }

    public void Dispose()
    {
        stepSize.Dispose();
        correction.Dispose();
        decay.Dispose();
    }
}

/// <summary>TorchSharp's AdamW (decoupled weight decay; same options, state and checkpoint format) with a scalar-safe step (<see cref="AdamUpdate"/>).</summary>
public sealed class ScalarSafeAdamW : AdamW
{
    readonly AdamUpdate update = new();

    /// <summary>Same arguments as <c>torch.optim.AdamW</c>.</summary>
    public ScalarSafeAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        double lr = o.LearningRate!.Value;
        AdamUpdate.ForEachGradient(group.Parameters, o.maximize!.Value, (param, grad) =>
        {
            var state = (State)_state[param.Handle];
            state.step++;
            update.Decay(param, lr, o.weight_decay!.Value);
            update.Apply(param, grad, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, state.step, lr, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.amsgrad!.Value);
        });
    }, closure!);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) update.Dispose();
    }
}

/// <summary>TorchSharp's Adam (L2 weight decay added to the gradient; same options, state and checkpoint format) with a scalar-safe step.</summary>
public sealed class ScalarSafeAdam : Adam
{
    readonly AdamUpdate update = new();

    /// <summary>Same arguments as <c>torch.optim.Adam</c>.</summary>
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad) { }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        AdamUpdate.ForEachGradient(group.Parameters, o.maximize!.Value, (param, grad) =>
        {
            var state = (State)_state[param.Handle];
            state.step++;
            grad = AdamUpdate.WithL2(grad, param, o.weight_decay!.Value);
            update.Apply(param, grad, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, state.step, o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.amsgrad!.Value);
        });
    }, closure!);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) update.Dispose();
    }
}
