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
public sealed record S2CRNetConfig(int Stages = 2, int Levels = 64, bool Semantic = false,
    CurveActivation Activation = CurveActivation.Softplus, int InputSize = 256)
{
    /// <summary>How the model uses a label at inference (default: from <see cref="Semantic"/>; official checkpoints: Optional).</summary>
    public LabelUse Labels { get; init; } = Semantic ? LabelUse.Required : LabelUse.None;

    /// <summary>Number of semantic classes (Core SemanticClass).</summary>
    public const int ClassCount = 5;
}
