using System.Globalization;
using Harmonia.Models.CharmNet;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using Harmonia.Training.Contracts;
using Harmonia.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Training.Methods.CharmNet;

/// <summary>How a CharmNet run trains; the four set-ups of the novel-category experiment are <see cref="CharmNetSetup"/>.</summary>
/// <param name="Setup">Which set-up.</param>
/// <param name="ReconstructionWeight">λ of each domain's foreground-normalized MSE (official <c>lambda_src_L1</c> = <c>lambda_tgt_L1</c> = 10).</param>
/// <param name="AdversarialWeight">λ_adv of the rendered encoder's adversarial loss (official 1).</param>
/// <param name="RenderedStyleWeight">Weight of SC1's and SC2's supervised losses on rendered images (official <c>lambda_src_ce</c> = 1).</param>
/// <param name="RealCrossEntropyWeight">Weight of the style aggregation's cross-entropy on real images (official <c>lambda_tgt_ce</c> = 0.5).</param>
/// <param name="RealEntropyWeight">Weight of the entropy reduction on real images (official <c>lambda_tgt_le</c> = 0.5).</param>
/// <param name="Margin">λ_m, the entropy reduction's margin (official 1).</param>
/// <param name="DiscriminatorLearningRate">Adam learning rate of D (official: the generator's, 1e-4; betas 0.9, 0.999).</param>
/// <param name="DiscriminatorWidth">D's first width (official <c>ndf</c> = 64).</param>
/// <param name="StateFile">Where D's weights are kept between runs (resume), or null.</param>
public sealed record CharmNetTrainingOptions(CharmNetSetup Setup = CharmNetSetup.CharmNet, double ReconstructionWeight = 10, double AdversarialWeight = 1,
    double RenderedStyleWeight = 1, double RealCrossEntropyWeight = 0.5, double RealEntropyWeight = 0.5, double Margin = 1,
    double DiscriminatorLearningRate = 1e-4, int DiscriminatorWidth = 64, string? StateFile = null);

/// <summary>The set-ups of the paper's novel-category experiment (Table 2 rows), all trained by one task.</summary>
public enum CharmNetSetup
{
    /// <summary>(a) real pairs only, through the real path (an iDIH).</summary>
    RealOnly,
    /// <summary>(b) real and rendered pairs mixed naively in one iDIH: both through the real path, no D, no style losses.</summary>
    Naive,
    /// <summary>(c) CharmNet without the style classifiers' losses (domain-specific stages + D).</summary>
    NoStyle,
    /// <summary>(d) CharmNet.</summary>
    CharmNet,
}

/// <summary>
/// Trains CharmNet (official <c>DAstyleModel.optimize_parameters</c>). Each step takes the trainer's batch of real
/// pairs (the real domain) and, except for <see cref="CharmNetSetup.RealOnly"/>, a batch of the same size from the
/// <see cref="RenderedStream"/>. For <see cref="CharmNetSetup.NoStyle"/> and <see cref="CharmNetSetup.CharmNet"/>:
/// one Adam step of the domain discriminator D on the detached domain-encoder features (hinge: rendered low, real
/// high), then the generator loss
/// <c>λ_rec·(fnMSE_rd + fnMSE_r) + λ_adv·(−D(f_rd)) + λ_src·(CE(SC1(f_rd), y_comp) + CE(SC2(h_rd), y_gt)) + λ_ce·CE(SC2(h_r), SC1(f_r)) + λ_le·max(0, m − H(SC1(f_r)) + H(SC2(h_r)))</c>
/// (style terms for <see cref="CharmNetSetup.CharmNet"/> only). The trainer optimizes G, SC1 and SC2 together (as the
/// official <c>optimizers_G</c>); its own image discriminator must be off (the method owns its adversary). D's weights
/// go to <see cref="CharmNetTrainingOptions.StateFile"/> every 50 steps and are read back when the file exists
/// (resume; its Adam moments restart). Validation (no gradient) scores the real path on the trainer's validation set.
/// </summary>
public sealed class CharmNetTrainingTask : ITrainingTask, IDisposable
{
    readonly CharmNetModel model;
    readonly CharmNetTrainingOptions options;
    readonly RenderedStream? rendered;
    readonly DomainDiscriminator? discriminator;
    readonly OptimizerHelper? discriminatorOptimizer;
    long steps;

    /// <summary>Wraps <paramref name="model"/>; <paramref name="rendered"/> is required unless the set-up is <see cref="CharmNetSetup.RealOnly"/>.</summary>
    public CharmNetTrainingTask(CharmNetModel model, CharmNetTrainingOptions options, RenderedStream? rendered)
    {
        if (options.Setup != CharmNetSetup.RealOnly && rendered is null) throw new ArgumentException("This set-up needs rendered data.", nameof(rendered));
        this.model = model;
        this.options = options;
        this.rendered = options.Setup == CharmNetSetup.RealOnly ? null : rendered;
        if (options.Setup is CharmNetSetup.NoStyle or CharmNetSetup.CharmNet)
        {
            discriminator = new DomainDiscriminator(model.Config.DomainFeatureChannels, options.DiscriminatorWidth);
            if (options.StateFile is { } state && File.Exists(state)) StateDictIO.Load(discriminator, state);
            discriminatorOptimizer = OptimizerRegistry.CreateDefault().Create(OptimizerRegistry.Adam, discriminator.parameters(),
                new OptimizerSettings(options.DiscriminatorLearningRate, 0, 0.9, 0.999));
        }
    }

    /// <summary>Training crop size, stored in the weights so inference uses a matching working resolution (twice it, see <see cref="WeightsMetadata"/>).</summary>
    public int TrainSize { get; init; } = 128;

    /// <inheritdoc />
    public string Name => CharmNetMethod.Name;

    /// <inheritdoc />
    public nn.Module Generator => model;

    /// <summary>The domain discriminator (null for the set-ups without one).</summary>
    public DomainDiscriminator? Discriminator => discriminator;

    /// <inheritdoc />
    public IEnumerable<Parameter> TrainableParameters() => model.parameters();

    /// <inheritdoc />
    public void SetMode(bool training)
    {
        model.train(training);
        discriminator?.train(training);
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> WeightsMetadata
    {
        get
        {
            var m = CharmNetConfigMetadata.ToMetadata(model.Config);
            m[CharmNetConfigMetadata.WorkingSize] = Math.Max(TrainSize, model.Config.SizeMultiple).ToString(CultureInfo.InvariantCulture);
            m["charmnet.setup"] = options.Setup.ToString();
            return m;
        }
    }

    /// <inheritdoc />
    public TrainStepOutput Forward(HarmonizationBatch batch)
    {
        using var scope = NewDisposeScope();
        bool training = is_grad_enabled();
        var terms = new Dictionary<string, Tensor>();
        var real = model.Generator.Run(batch.Composite, batch.Mask, ImageDomain.Real);
        var realRec = CharmNetObjective.ForegroundNormalizedMse(real.Output, batch.Real, batch.Mask);
        terms["rec_real"] = realRec.detach();
        var prediction = CharmNetModel.Blend(real.Output, batch.Composite, batch.Mask).clamp(TorchScalars.Of(0), TorchScalars.Of(1));
        var loss = realRec.mul(TorchScalars.Of(options.ReconstructionWeight));
        if (!training || rendered is null) return Output(prediction, loss, terms);

        var (rdBatch, compositeStyle, backgroundStyle) = rendered.Next();
        using (rdBatch)
        {
            var domain = options.Setup == CharmNetSetup.Naive ? ImageDomain.Real : ImageDomain.Rendered;
            var rd = model.Generator.Run(rdBatch.Composite, rdBatch.Mask, domain);
            var rdRec = CharmNetObjective.ForegroundNormalizedMse(rd.Output, rdBatch.Real, rdBatch.Mask);
            terms["rec_rendered"] = rdRec.detach();
            loss = loss.Plus(rdRec.mul(TorchScalars.Of(options.ReconstructionWeight)));
            if (discriminator is not null && discriminatorOptimizer is not null)
            {
                discriminatorOptimizer.zero_grad();
                var dLoss = CharmNetObjective.DiscriminatorHinge(discriminator.forward(rd.DomainFeatures.detach()), discriminator.forward(real.DomainFeatures.detach()));
                dLoss.backward();
                discriminatorOptimizer.step();
                terms["adv_d"] = dLoss.detach();
                // D's gradients from the generator loss are cleared by the next zero_grad; only G's parameters are stepped by the trainer.
                var gAdv = CharmNetObjective.GeneratorAdversarial(discriminator.forward(rd.DomainFeatures));
                terms["adv_g"] = gAdv.detach();
                loss = loss.Plus(gAdv.mul(TorchScalars.Of(options.AdversarialWeight)));
            }
            if (options.Setup == CharmNetSetup.CharmNet)
            {
                var before = CharmNetObjective.SoftCrossEntropy(model.StyleBefore.forward(rd.DomainFeatures), compositeStyle);
                var after = CharmNetObjective.SoftCrossEntropy(model.StyleAfter.forward(rd.HarmonizedFeatures), backgroundStyle);
                var (ce, le) = CharmNetObjective.StyleAggregation(model.StyleBefore.forward(real.DomainFeatures), model.StyleAfter.forward(real.HarmonizedFeatures), options.Margin);
                terms["style_rd_before"] = before.detach();
                terms["style_rd_after"] = after.detach();
                terms["style_real_ce"] = ce.detach();
                terms["style_real_le"] = le.detach();
                var style = before.Plus(after).mul(TorchScalars.Of(options.RenderedStyleWeight))
                    .Plus(ce.mul(TorchScalars.Of(options.RealCrossEntropyWeight)))
                    .Plus(le.mul(TorchScalars.Of(options.RealEntropyWeight)));
                loss = loss.Plus(style);
            }
        }
        if (discriminator is not null && ++steps % 50 == 0) SaveDiscriminator();
        return Output(prediction, loss, terms);
    }

    /// <summary>The step's tensors moved out of Forward's dispose scope (the style label tensors and the rendered pass stay in it).</summary>
    static TrainStepOutput Output(Tensor prediction, Tensor loss, Dictionary<string, Tensor> terms)
    {
        foreach (var key in terms.Keys.ToList()) terms[key] = terms[key].MoveToOuterDisposeScope();
        return new TrainStepOutput(prediction.MoveToOuterDisposeScope(), loss.MoveToOuterDisposeScope(), terms);
    }

    /// <summary>Writes D's weights to the state file (when one is set).</summary>
    public void SaveDiscriminator()
    {
        if (discriminator is not null && options.StateFile is { } state)
            StateDictIO.Save(discriminator, state, new Dictionary<string, string> { ["step"] = steps.ToString(CultureInfo.InvariantCulture) });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        discriminatorOptimizer?.Dispose();
        discriminator?.Dispose();
        rendered?.Dispose();
    }
}
