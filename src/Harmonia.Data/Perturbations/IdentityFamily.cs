using Harmonia.Core.Randomness;
using Harmonia.Data.Synthesis;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// No change: the composite is the real photo (HIdentity). Pairs that teach a method to leave a foreground that already
/// fits its background alone; the only family the quality gate's minimum fMSE does not apply to.
/// </summary>
public sealed class IdentityFamily : IPerturbationFamily
{
    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "identity";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "no change: composite = real photo, for learning to leave fitting foregrounds alone (HIdentity)";

    /// <inheritdoc />
    public string Subset => "HIdentity";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>();

    /// <inheritdoc />
    public double MinForegroundMse => 0;

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng) =>
        new(context.Real, new Dictionary<string, object>());
}
