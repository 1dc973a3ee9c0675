using System.Globalization;
using Harmonia.Core.Randomness;
using Harmonia.Models.PIH;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Training.Contracts;
using Harmonia.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.PIH;

/// <summary>How PIH trains (see <see cref="PIHTrainingTask"/>).</summary>
/// <param name="UnsupervisedRatio">Probability that a step draws the unsupervised stream (official <c>reconratio</c>: 0.5; 0 = supervised-only ablation).</param>
/// <param name="L1Weight">Supervised loss w·L1 + (1 − w)·adversarial (official: 0.92).</param>
/// <param name="UnsupervisedAdversarialWeight">Weight of the adversarial loss, the unsupervised stream's only term.</param>
/// <param name="DiscriminatorLearningRate">Adam learning rate of the discriminator (betas 0.5, 0.999).</param>
/// <param name="DiscriminatorChannels">Width of the discriminator's first level.</param>
/// <param name="StateFile">Where the discriminator's weights are kept between runs (resume), or null.</param>
public sealed record PIHTrainingOptions(double UnsupervisedRatio = 0.5, double L1Weight = 0.92, double UnsupervisedAdversarialWeight = 1.0,
    double DiscriminatorLearningRate = 1e-4, int DiscriminatorChannels = 16, string? StateFile = null);

/// <summary>
/// PIH's dual-stream semi-supervised training (paper: "Dual-stream training, sampled 50% / 50%"; official
/// <c>PIH_train.py</c> with <c>--reconratio</c>, <c>--ganlossmask</c>, <c>--unetd</c>). Each training step draws
/// one stream:
/// <list type="bullet">
/// <item><b>supervised</b> (1 − ratio): the trainer's batch of synthetic pairs; loss w·L1 + (1 − w)·adversarial with
/// w = 0.92. L1 is averaged over the foreground pixels (the official averages over the image; with small objects that
/// mostly measures the unchanged background);</item>
/// <item><b>unsupervised</b> (ratio): a batch of the same size and shape from <see cref="RealCompositeStream"/>
/// (real composites, no ground truth; the trainer's batch is not used); adversarial loss only.</item>
/// </list>
/// The discriminator (<see cref="PixelDiscriminator"/>, spectral norm, per pixel) belongs to the task, not to the
/// trainer: one Adam step per training step on the detached prediction, with the composite's background as "real"
/// pixels and its foreground as "fake" (and, in the supervised stream, the ground truth's pixels as real). So the
/// trainer's own LSGAN step must be off (<c>--no-adv</c>). Its weights go to <see cref="PIHTrainingOptions.StateFile"/>
/// every 50 steps and are read back when the file exists (resume; its Adam moments restart).
/// The frozen encoder runs without gradient; the curve head, the gain net and the discriminator train.
/// Validation (no gradient) scores the supervised path.
/// </summary>
public sealed class PIHTrainingTask : ITrainingTask, IDisposable
{
    readonly PIHModel model;
    readonly PIHTrainingOptions options;
    readonly RealCompositeStream? stream;
    readonly PixelDiscriminator discriminator;
    readonly OptimizerHelper discriminatorOptimizer;
    readonly Random random;
    long steps;

    /// <summary>Wraps <paramref name="model"/>; <paramref name="stream"/> is required when the ratio is above 0.</summary>
    public PIHTrainingTask(PIHModel model, PIHTrainingOptions options, RealCompositeStream? stream, int seed)
    {
        if (options.UnsupervisedRatio > 0 && stream is null) throw new ArgumentException("The unsupervised stream needs a source of real composites.", nameof(stream));
        this.model = model;
        this.options = options;
        this.stream = stream;
        random = new SeededRandom(SeededRandom.Mix(seed, 0x5049_48));
        discriminator = new PixelDiscriminator(options.DiscriminatorChannels);
        if (options.StateFile is { } state && File.Exists(state)) StateDictIO.Load(discriminator, state);
        discriminatorOptimizer = OptimizerRegistry.CreateDefault().Create(OptimizerRegistry.Adam, discriminator.parameters(),
            new OptimizerSettings(options.DiscriminatorLearningRate, 0, 0.5, 0.999));
    }

    /// <inheritdoc />
    public string Name => PIHMethod.Name;

    /// <inheritdoc />
    public nn.Module Generator => model;

    /// <summary>The model being trained.</summary>
    public PIHModel Model => model;

    /// <summary>The discriminator.</summary>
    public PixelDiscriminator Discriminator => discriminator;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => model.TrainableParameters();

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WeightsMetadata => model.Config.Metadata();

    /// <inheritdoc />
    public void SetMode(bool training)
    {
        model.train(training);
        discriminator.train(training);
    }

    /// <summary>
    /// The harmonized composite for <paramref name="composite"/> (N, 3, H, W) under <paramref name="mask"/> (N, 1, H, W),
    /// through the inference input path: curves × upsampled gain under the mask (or the free residual).
    /// </summary>
    public Tensor Harmonize(Tensor composite, Tensor mask)
    {
        using var scope = NewDisposeScope();
        long h = composite.shape[2], w = composite.shape[3];
        using var inputs = PIHInputs.FromBatch(composite, mask, model.Config);
        Tensor foreground;
        if (model.Config.FreePixel)
        {
            var residual = model.FreeResidual(inputs.Composite, inputs.Mask);
            if (residual.shape[2] != h || residual.shape[3] != w) residual = PIHModel.UpsampleGain(residual, h, w);
            foreground = composite.Plus(residual);
        }
        else
        {
            var nodes = model.CurveNodes(inputs.Fg, inputs.Bg);
            var gain = PIHModel.UpsampleGain(model.Gain(inputs.Composite, inputs.Mask, nodes), h, w);
            foreground = PIHCurves.Apply(composite, nodes) * gain;
        }
        var blended = (foreground * mask).Plus(composite * mask.OneMinus());
        return blended.clamp(TorchScalars.Of(0), TorchScalars.Of(1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        using var scope = NewDisposeScope();
        bool training = torch.is_grad_enabled();
        bool unsupervised = training && stream is not null && random.NextDouble() < options.UnsupervisedRatio;
        Tensor composite = batch.Composite, mask = batch.Mask;
        if (unsupervised)
        {
            if (batch.Composite.shape[2] != batch.Composite.shape[3])
                throw new InvalidOperationException("PIH's unsupervised stream makes square samples; train with square crops (--geometry crop or resize).");
            (composite, mask) = stream!.Next((int)batch.Size, random);
        }
        var prediction = Harmonize(composite, mask);
        var terms = new Dictionary<string, Tensor>();
        Tensor? l1 = null;
        if (!unsupervised)
        {
            var fgWeight = mask.expand_as(prediction);
            l1 = MaskedLsgan.MeanOver((prediction - batch.Real).abs(), fgWeight);
            terms["l1"] = l1.detach().MoveToOuterDisposeScope();
        }
        if (!training)
            return new TrainStepOutput(prediction.MoveToOuterDisposeScope(), l1!.MoveToOuterDisposeScope(), terms);

        // Discriminator step on the detached prediction (and the ground truth when there is one).
        discriminatorOptimizer.zero_grad();
        var dLoss = MaskedLsgan.Discriminator(discriminator.forward(prediction.detach()), mask, unsupervised ? null : discriminator.forward(batch.Real));
        dLoss.backward();
        discriminatorOptimizer.step();
        var adversarial = MaskedLsgan.Generator(discriminator.forward(prediction), mask);
        var loss = unsupervised
            ? adversarial.mul(TorchScalars.Of(options.UnsupervisedAdversarialWeight))
            : l1!.mul(TorchScalars.Of(options.L1Weight)).Plus(adversarial.mul(TorchScalars.Of(1 - options.L1Weight)));
        terms[unsupervised ? "adv_g_unsup" : "adv_g_sup"] = adversarial.detach().MoveToOuterDisposeScope();
        terms["adv_d"] = dLoss.detach().MoveToOuterDisposeScope();
        terms["unsup"] = torch.tensor(unsupervised ? 1f : 0f).MoveToOuterDisposeScope();
        if (++steps % 50 == 0) SaveDiscriminator();
        // The composite of the unsupervised stream is not the batch's: the prediction the trainer sees must match the
        // batch's ground truth only for validation, which never draws that stream.
        return new TrainStepOutput(prediction.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), terms);
    }

    /// <summary>Writes the discriminator's weights to the state file (when one is set).</summary>
    public void SaveDiscriminator()
    {
        if (options.StateFile is { } state)
            StateDictIO.Save(discriminator, state, new Dictionary<string, string> { ["step"] = steps.ToString(CultureInfo.InvariantCulture) });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        discriminatorOptimizer.Dispose();
        discriminator.Dispose();
    }
}
