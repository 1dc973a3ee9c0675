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

/// <summary>S²CRNet hyper-parameters.</summary>
/// <param name="Stages">Cascaded CRM stages N (paper: 2 for S²CRNet-C; official code builds 3 heads).</param>
/// <param name="Levels">Curve levels L (paper/official: 64).</param>
/// <param name="Semantic">Semantic CRM: the one-hot class embedding is concatenated with F_f.</param>
/// <param name="Activation">How p is kept positive (see <see cref="CurveActivation"/>).</param>
/// <param name="InputSize">Side of the square network inputs (fg crop and bg), 256.</param>
public sealed record S2CRNetConfig(int Stages = 2, int Levels = 64, bool Semantic = false,
    CurveActivation Activation = CurveActivation.Softplus, int InputSize = 256)
{
    /// <summary>Number of semantic classes (Core SemanticClass).</summary>
    public const int ClassCount = 5;
}
