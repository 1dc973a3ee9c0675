using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>The cascade of CRM heads; children are named <c>cr1</c>, <c>cr2</c>, … as in the official state dict.</summary>
public sealed class CurveCascade : nn.Module
{
    readonly CurveHead[] heads;

    /// <summary>Creates <paramref name="stages"/> heads of 3·<paramref name="levels"/> outputs.</summary>
    public CurveCascade(int stages, int levels, int featureWidth = 512, int hidden = 0) : base(nameof(CurveCascade))
    {
        heads = new CurveHead[stages];
        for (int i = 0; i < stages; i++)
        {
            heads[i] = new CurveHead(levels, featureWidth, hidden);
            register_module($"cr{i + 1}", heads[i]);
        }
    }

    /// <summary>Head of stage <paramref name="stage"/> (0-based).</summary>
    public CurveHead this[int stage] => heads[stage];

    /// <summary>Number of stages.</summary>
    public int Count => heads.Length;
}

/// <summary>
/// S²CRNet (Liang, Cun, Pun, AAAI 2022) following the official code (<c>CreateNetFusion_re</c> +
/// <c>CurveRenderwithConcat</c> + <c>CF</c>):
/// a shared SqueezeNet 1.1 trunk (<c>squeezenet1_1.*</c>) encodes the foreground crop and the background separately,
/// each global-average-pooled to 512-d; every stage n has its own head (<c>fusion.crN.*</c>) mapping the same pooled
/// features to 3 × L curve parameters, and renders stage n−1's output (stage 1 renders the composite).
/// Differences from the official code, chosen for CPU training from scratch and documented in the model card:
/// the number of stages is configurable (official builds 3, paper uses 2) and p = softplus(raw) by default
/// (<see cref="CurveActivation"/>; <c>Identity</c> reproduces the official raw p).
/// Inputs are RGB in [0, 1] without normalization, as the official code (its <c>norm</c> is the identity).
/// </summary>
public sealed class S2CRNetModel : nn.Module
{
    readonly Sequential? squeezenet1_1;
    readonly Backbones.ResNet18? resnet18;
    readonly CurveCascade fusion;

    /// <summary>The configuration the model was built with.</summary>
    public S2CRNetConfig Config { get; }

    /// <summary>Builds an untrained model (trunk with PyTorch's default init; heads near identity when softplus).</summary>
    /// <param name="config">The configuration.</param>
    /// <param name="encoderDevice">
    /// Where a ResNet-18 encoder's layers are built (default the CPU, randomly initialised); the meta device when its
    /// weights are assigned right after (<see cref="Backbones.ResNet18OnnxInit.Load"/>), which skips the initialisation.
    /// </param>
    public S2CRNetModel(S2CRNetConfig config, Device? encoderDevice = null) : base("S2CRNet")
    {
        Config = config;
        if (config.Backbone == S2CRNetBackbone.ResNet18) resnet18 = new Backbones.ResNet18(device: encoderDevice);
        else if (config.Backbone == S2CRNetBackbone.SqueezeNet) squeezenet1_1 = SqueezeNetTrunk.Create();
        fusion = new CurveCascade(config.Stages, config.Levels, config.FeatureWidth, config.Hidden);
        RegisterComponents();
        if (config.Activation == CurveActivation.Softplus)
            for (int s = 0; s < config.Stages; s++) fusion[s].InitializeNearIdentity(0.1);
    }

    /// <summary>The shared backbone (SqueezeNet trunk or ResNet-18 encoder; an empty module for <see cref="S2CRNetBackbone.None"/>).</summary>
    public nn.Module Backbone => (nn.Module?)squeezenet1_1 ?? (nn.Module?)resnet18 ?? EmptyBackbone;

    static readonly nn.Module EmptyBackbone = nn.Sequential();

    /// <summary>The SqueezeNet trunk (null for other backbones).</summary>
    public Sequential? SqueezeNet => squeezenet1_1;

    /// <summary>The ResNet-18 encoder (null for other backbones).</summary>
    public Backbones.ResNet18? ResNet => resnet18;

    /// <summary>The curve heads only (what cached-feature training optimizes).</summary>
    public IEnumerable<Parameter> HeadParameters() =>
        Enumerable.Range(0, Config.Stages).SelectMany(s => fusion[s].UsedParameters(Config.Semantic));

    /// <summary>The parameters that receive gradient in this configuration (unused label layers excluded).</summary>
    public IEnumerable<Parameter> TrainableParameters() => Backbone.parameters().Concat(HeadParameters());

    /// <summary>Pooled features of a stack of images: (M, 3, S, S) in [0, 1] → (M, <see cref="S2CRNetConfig.FeatureWidth"/>).</summary>
    public Tensor PooledFeatures(Tensor images)
    {
        using var scope = NewDisposeScope();
        if (Config.Backbone == S2CRNetBackbone.None) return ColorStatistics.Compute(images).MoveToOuterDisposeScope();
        Tensor pooled;
        if (resnet18 is not null)
            pooled = Config.Pyramid ? torch.cat(resnet18.Pooled(images).Stages, 1) : resnet18.forward(images).mean([2L, 3L]);
        else
            pooled = squeezenet1_1!.forward(images).mean([2L, 3L]);
        if (Config.ColorStats) pooled = torch.cat([pooled, ColorStatistics.Compute(images)], 1);
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Spatially separated encoding. fg, bg: (N, 3, S, S) in [0, 1] (fg = masked foreground crop, bg = masked
    /// background). Returns pooled features F_f, F_b: (N, FeatureWidth) each. One trunk pass over the 2N stacked images.
    /// </summary>
    public (Tensor Fore, Tensor Back) Encode(Tensor fg, Tensor bg)
    {
        using var scope = NewDisposeScope();
        long n = fg.shape[0];
        var pooled = PooledFeatures(torch.cat([fg, bg], 0));
        var fore = pooled.narrow(0, 0, n);
        var back = pooled.narrow(0, n, n);
        return (fore.MoveToOuterDisposeScope(), back.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Curve parameters p of every stage: (N, Stages, 3, L), activated. labelOneHot: (N, 5) float or null; given, the
    /// semantic path (<c>fc_f_label</c>) runs, else the plain one (<c>fc_f_1</c>), as the official forward. Required when
    /// <see cref="S2CRNetConfig.Semantic"/>; callers pass null to models whose <see cref="S2CRNetConfig.Labels"/> is None.
    /// </summary>
    public Tensor CurveParameters(Tensor fore, Tensor back, Tensor? labelOneHot)
    {
        using var scope = NewDisposeScope();
        var label = Config.Semantic && labelOneHot is null ? throw new ArgumentException("A semantic model needs labels.") : labelOneHot;
        long n = fore.shape[0];
        var stages = new Tensor[Config.Stages];
        for (int s = 0; s < Config.Stages; s++)
        {
            var raw = fusion[s].forward(fore, back, label);
            stages[s] = (Config.Activation == CurveActivation.Softplus ? nn.functional.softplus(raw) : raw).view(n, 3, Config.Levels);
        }
        return torch.stack(stages, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Full pass. composite: (N, 3, H, W) image to render (any H, W); fg, bg: (N, 3, S, S) encoder inputs;
    /// labelOneHot: (N, 5) or null. Returns the rendered image of every stage (not blended with the mask) and p.
    /// </summary>
    public (Tensor[] Stages, Tensor Parameters) Forward(Tensor composite, Tensor fg, Tensor bg, Tensor? labelOneHot)
    {
        using var scope = NewDisposeScope();
        var (fore, back) = Encode(fg, bg);
        var p = CurveParameters(fore, back, labelOneHot);
        var outputs = new Tensor[Config.Stages];
        var x = composite;
        for (int s = 0; s < Config.Stages; s++)
        {
            x = CurveRendering.Render(x, p.select(1, s));
            outputs[s] = x;
        }
        foreach (var o in outputs) o.MoveToOuterDisposeScope();
        p.MoveToOuterDisposeScope();
        return (outputs, p);
    }
}
