using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.CharmNet;

/// <summary>
/// CharmNet (Cao, Cong, Niu, "Deep Image Harmonization by Bridging the Reality Gap", BMVC 2022): the generator
/// <c>G</c> (<see cref="CharmNetGenerator"/>) with the two style classifiers <c>SC1</c> (on the domain encoder's
/// output, before harmonization) and <c>SC2</c> (on the shared decoder's output, after), as the official
/// <c>model_names</c>. The classifiers only serve training; they stay in the weights so a run can resume and a user
/// can read a composite's style distribution. The domain discriminator belongs to the training task.
/// </summary>
public sealed class CharmNetModel : nn.Module<Tensor, Tensor, Tensor>
{
#pragma warning disable IDE1006 // state-dict names
    readonly CharmNetGenerator G;
    readonly StyleClassifier SC1, SC2;
#pragma warning restore IDE1006

    /// <summary>The configuration the network was built with.</summary>
    public CharmNetConfig Config { get; }

    /// <summary>The generator.</summary>
    public CharmNetGenerator Generator => G;

    /// <summary>The style classifier before harmonization (SC1, P^in).</summary>
    public StyleClassifier StyleBefore => SC1;

    /// <summary>The style classifier after harmonization (SC2, P^out).</summary>
    public StyleClassifier StyleAfter => SC2;

    /// <summary>Builds the network.</summary>
    public CharmNetModel(CharmNetConfig config) : base("CharmNet")
    {
        config.Validate();
        Config = config;
        G = new CharmNetGenerator(config);
        SC1 = new StyleClassifier(config.DomainFeatureChannels, config.ClassifierWidth, config.Styles);
        SC2 = new StyleClassifier(config.DomainFeatureChannels, config.ClassifierWidth, config.Styles);
        RegisterComponents();
    }

    /// <summary>
    /// The real-domain harmonization (inference path): image (N, 3, H, W) in [0, 1], mask (N, 1, H, W) in {0, 1}, H and W
    /// multiples of <see cref="CharmNetConfig.SizeMultiple"/> → the network image (N, 3, H, W), not blended, not clamped.
    /// </summary>
    public override Tensor forward(Tensor image, Tensor mask)
    {
        if (image.shape[2] % Config.SizeMultiple != 0 || image.shape[3] % Config.SizeMultiple != 0)
            throw new ArgumentException($"CharmNet needs H and W divisible by {Config.SizeMultiple}, got {image.shape[2]}x{image.shape[3]}.");
        using var scope = NewDisposeScope();
        return G.Run(image, mask, ImageDomain.Real).Output.MoveToOuterDisposeScope();
    }

    /// <summary>Network image blended with the mask: <c>out·m + image·(1 − m)</c>.</summary>
    public static Tensor Blend(Tensor output, Tensor image, Tensor mask) => (output * mask).Plus(image * mask.OneMinus());
}
