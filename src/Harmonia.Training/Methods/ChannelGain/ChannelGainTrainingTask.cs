using Harmonia.Models.Runtime;
using Harmonia.Core.Methods;
using Harmonia.Training.Contracts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Harmonia.Training.Methods.ChannelGain;

/// <summary>
/// The smallest trainable method: one learned per-channel gain and bias applied to every foreground
/// (the same for all images), trained with the relative L1 loss over the mask. A baseline and a smoke test
/// for the trainer (<c>harmonia train channel-gain</c>), and the worked example of <see cref="ITrainingTask"/>.
/// </summary>
public sealed class ChannelGainTrainingTask : ITrainingTask
{
    /// <summary>Method name (<c>harmonia train channel-gain</c>).</summary>
    public const string Name = "channel-gain";

    /// <summary>Registration for <see cref="TrainableMethods"/>.</summary>
    public static readonly TrainableMethod Method = new(
        Name,
        "Baseline: one learned per-channel gain and bias on the foreground (a smoke test for the trainer).",
        [new MethodSetting("init-gain", "initial gain of every channel", "1")],
        context => new ChannelGainTrainingTask((float)context.Settings.GetDouble("init-gain", 1, 0, 10)));

    readonly ChannelGain generator;

    /// <summary>Creates the task with the gain initialised to <paramref name="initialGain"/> and the bias to 0.</summary>
    public ChannelGainTrainingTask(float initialGain = 1) => generator = new ChannelGain(initialGain);

    /// <inheritdoc />
    string ITrainingTask.Name => Name;

    /// <inheritdoc />
    public nn.Module Generator => generator;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => generator.parameters();

    /// <summary>Relative L1 over the foreground: Σ|M·(pred − real)| / ΣM (ΣM clamped to ≥ 1).</summary>
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        var raw = generator.forward(batch.Composite);
        var blended = (raw * batch.Mask).Plus(batch.Composite * batch.Mask.OneMinus());
        var rl1 = (batch.Mask * (blended - batch.Real)).abs().sum() / batch.Mask.sum().clamp_min(TorchScalars.Of(1));
        return new TrainStepOutput(blended.clamp(TorchScalars.Of(0), TorchScalars.Of(1)), rl1, new Dictionary<string, Tensor> { ["rl1"] = rl1 });
    }

    /// <summary>out = x · gain + bias per channel. State dict: <c>gain</c> (1,3,1,1), <c>bias</c> (1,3,1,1).</summary>
    sealed class ChannelGain : Module<Tensor, Tensor>
    {
        readonly Parameter gain;
        readonly Parameter bias;

        public ChannelGain(float initialGain) : base(nameof(ChannelGain))
        {
            gain = Parameter(torch.full([1, 3, 1, 1], TorchScalars.Of(initialGain)));
            bias = Parameter(torch.zeros(1, 3, 1, 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => (x * gain).Plus(bias);
    }
}
