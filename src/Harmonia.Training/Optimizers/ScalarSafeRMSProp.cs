using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Optimizers;

/// <summary>
/// TorchSharp's RMSProp (same options, state and checkpoint format; the trainer's LSGAN discriminator uses it) with a
/// step whose Scalars are cached or held (see <see cref="AdamUpdate"/> for why). Per parameter with gradient g:
/// <code>
/// g ← g + wd·p;   s ← α·s + (1 − α)·g²;   centered: ḡ ← α·ḡ + (1 − α)·g, d = √(s − ḡ²) + ε, else d = √s + ε
/// momentum μ > 0: b ← μ·b + g/d, p ← p − lr·b;   else p ← p − lr·g/d
/// </code>
/// </summary>
public sealed class ScalarSafeRMSProp : RMSProp
{
    readonly CachedScalar negativeRate = new();

    /// <summary>Same arguments as <c>torch.optim.RMSProp</c>.</summary>
    public ScalarSafeRMSProp(IEnumerable<Parameter> parameters, double lr = 1e-3, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameters, lr, alpha, eps, weightDecay, momentum, centered) { }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = (Options)group.Options;
        double alpha = o.alpha!.Value, momentum = o.momentum!.Value;
        var rate = negativeRate.Of(-o.LearningRate!.Value);
        AdamUpdate.ForEachGradient(group.Parameters, o.maximize!.Value, (param, grad) =>
        {
            var state = (State)_state[param.Handle];
            state.step++;
            grad = AdamUpdate.WithL2(grad, param, o.weight_decay!.Value);
            state.square_avg.mul_(TorchScalars.Of(alpha)).addcmul_(grad, grad, value: TorchScalars.Of(1 - alpha));
            Tensor denominator;
            if (o.centered!.Value)
            {
                state.grad_avg.mul_(TorchScalars.Of(alpha)).add_(grad, alpha: TorchScalars.Of(1 - alpha));
                denominator = state.square_avg.addcmul(state.grad_avg, state.grad_avg, value: TorchScalars.Of(-1)).sqrt_().add_(TorchScalars.Of(o.eps!.Value), TorchScalars.One);
            }
            else
            {
                denominator = state.square_avg.sqrt().add_(TorchScalars.Of(o.eps!.Value), TorchScalars.One);
            }
            if (momentum > 0)
            {
                state.momentum_buffer.mul_(TorchScalars.Of(momentum)).addcdiv_(grad, denominator, value: TorchScalars.Of(1));
                param.add_(state.momentum_buffer, alpha: rate);
            }
            else
            {
                param.addcdiv_(grad, denominator, value: rate);
            }
        });
    }, closure!);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) negativeRate.Dispose();
    }
}
