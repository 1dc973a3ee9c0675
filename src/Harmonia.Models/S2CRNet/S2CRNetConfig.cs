using Harmonia.Core.Methods;

namespace Harmonia.Models.S2CRNet;

/// <summary>How the raw linear outputs become curve parameters p.</summary>
public enum CurveActivation
{
    /// <summary>p = raw output, as the official code (no positivity; Σp + 1e-30 in the denominator). Use for converted official checkpoints.</summary>
    Identity,

    /// <summary>
    /// p = softplus(raw) &gt; 0: every curve is monotone with ψ(0) = 0, ψ(1) = 1 and the denominator never nears 0.
    /// Harmonia's own training uses this (with heads initialized so every curve starts as the identity).
    /// </summary>
    Softplus,
}

/// <summary>The encoder S²CRNet reads its thumbnails with.</summary>
public enum S2CRNetBackbone
{
    /// <summary>SqueezeNet 1.1 <c>features[:12]</c> (the paper's S²CRNet-S), field <c>squeezenet1_1</c>.</summary>
    SqueezeNet,

    /// <summary>
    /// Harmonia's variant: the ImageNet ResNet-18 of <see cref="Backbones.ResNet18"/>, field <c>resnet18</c> (the
    /// paper has SqueezeNet and VGG-16 variants; this one is not in the paper).
    /// </summary>
    ResNet18,

    /// <summary>No encoder: the heads read <see cref="ColorStatistics"/> only (an ablation: what the statistics alone achieve).</summary>
    None,
}

/// <summary>How a model uses a foreground label (the semantic CRM's one-hot class).</summary>
public enum LabelUse
{
    /// <summary>No label: trained without one (Harmonia, <c>semantic=false</c>); a label given is ignored.</summary>
    None,

    /// <summary>
    /// Either: an official checkpoint has both heads (<c>fc_f_1</c> and <c>fc_f_label</c> + <c>fc_label_*</c>); with a
    /// label it takes the semantic path, without one the plain path, as the official <c>forward(..., label=None)</c>.
    /// </summary>
    Optional,

    /// <summary>Trained with labels (Harmonia, <c>semantic=true</c>): its plain head is untrained, so a label is needed.</summary>
    Required,
}

/// <summary>S²CRNet hyper-parameters.</summary>
/// <param name="Stages">Cascaded CRM stages N (paper: 2 for S²CRNet-C; official code builds 3 heads).</param>
/// <param name="Levels">Curve levels L (paper/official: 64).</param>
/// <param name="Semantic">Semantic CRM: the one-hot class embedding is concatenated with F_f (training; <see cref="Labels"/> = Required).</param>
/// <param name="Activation">How p is kept positive (see <see cref="CurveActivation"/>).</param>
/// <param name="InputSize">Side of the square network inputs (fg crop and bg), 256.</param>
/// <param name="Backbone">The encoder (official: SqueezeNet).</param>
/// <param name="Pyramid">
/// Harmonia option (ResNet-18 only): the pooled features of all four stages (64+128+256+512 = 960 per image) instead
/// of the last stage's 512, so the heads see low-level colour statistics as well as semantics.
/// </param>
/// <param name="Hidden">Harmonia option: a hidden layer of this width in each head (0 = the official linear heads).</param>
/// <param name="ColorStats">Harmonia option: <see cref="ColorStatistics"/> of each input appended to its pooled features.</param>
public sealed record S2CRNetConfig(int Stages = 2, int Levels = 64, bool Semantic = false,
    CurveActivation Activation = CurveActivation.Softplus, int InputSize = 256,
    S2CRNetBackbone Backbone = S2CRNetBackbone.SqueezeNet, bool Pyramid = false, int Hidden = 0, bool ColorStats = false)
{
    /// <summary>Width of the feature vector of one image (F_f and F_b each): pooled encoder features, then colour statistics.</summary>
    public int FeatureWidth => Backbone switch
    {
        S2CRNetBackbone.None => 0,
        S2CRNetBackbone.ResNet18 when Pyramid => Backbones.ResNet18.StageChannels.Sum(),
        _ => 512,
    } + (ColorStats || Backbone == S2CRNetBackbone.None ? ColorStatistics.Width : 0);

    /// <summary>
    /// Harmonia option: images whose short side is longer than this are first reduced to it (aspect kept, Core
    /// <see cref="Core.Imaging.Thumbnail"/>) before the fg crop and bg thumbnails are made, at training and at inference
    /// (<see cref="S2CRNetInputs"/>); 0 = never. Set to the short side of the training photos (256 for harmonia-synth-v2),
    /// it makes the thumbnails of a large image from the same resolution the network learned from: without it a small
    /// foreground's crop is upsampled (soft) in training but downsampled (sharp) from a large image. Measured in
    /// docs/methods/s2crnet.md ("Source side"): no difference on the choosing split, so the shipped weights leave it 0.
    /// </summary>
    public int SourceSide { get; init; }

    /// <summary>Largest accepted <see cref="SourceSide"/>.</summary>
    public const int MaxSourceSide = 8192;

    /// <summary>Help text of the training option that sets <see cref="SourceSide"/> (both S²CRNet trainers).</summary>
    public const string SourceSideTrainingHelp = "reduce images whose short side is longer to this short side before the thumbnails, in training and (recorded in the weights) at inference: the training photos' short side, e.g. 256 for harmonia-synth-v2 (0 = never)";

    /// <summary>How the model uses a label at inference (default: from <see cref="Semantic"/>; official checkpoints: Optional).</summary>
    public LabelUse Labels { get; init; } = Semantic ? LabelUse.Required : LabelUse.None;

    /// <summary>Number of semantic classes (Core SemanticClass).</summary>
    public const int ClassCount = 5;

    /// <summary>
    /// The configuration that training settings describe (the keys of <c>harmonia train s2crnet</c>'s own options:
    /// stages, levels, semantic, activation, backbone, pyramid, hidden, color-stats, source-side), at input side <paramref name="inputSize"/>.
    /// The one parser of these settings; a bad value is a <see cref="Core.Errors.UsageException"/>.
    /// </summary>
    public static S2CRNetConfig FromSettings(MethodSettings settings, int inputSize) => new(
        Stages: settings.GetInt("stages", 2, 1, S2CRNetWeights.MaxStages),
        Levels: settings.GetInt("levels", 64, 2, 1024),
        Semantic: settings.GetBool("semantic", false),
        Activation: settings.GetChoice("activation", CurveActivation.Softplus),
        InputSize: inputSize,
        Backbone: settings.GetChoice("backbone", S2CRNetBackbone.SqueezeNet),
        Pyramid: settings.GetBool("pyramid", false),
        Hidden: settings.GetInt("hidden", 0, 0, 4096),
        ColorStats: settings.GetBool("color-stats", false))
    {
        SourceSide = settings.GetInt("source-side", 0, 0, MaxSourceSide),
    };
}
