using System.Text.Json.Nodes;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods;

/// <summary>
/// Two methods in sequence: <c>first</c> harmonizes the composite, <c>second</c> is fitted on that result, and the map
/// returned is <c>second ∘ first</c> (<see cref="ComposedForegroundMap"/>), rendered once at full resolution by the one
/// renderer. A global method followed by a local one (S²CRNet's curves, then PHNet's field: the <c>cascade</c> method)
/// lets the second correct what the first left.
/// <para>The second method sees the first one's full render, <c>f1(c)·m + c·(1 − m)</c> (W x H, the size of the
/// composite: so every method's own input preparation applies unchanged); the returned map applies <c>f2</c> to
/// <c>f1(c)</c> before the single blend, so inside the mask the output equals rendering twice, and at soft edges the
/// alpha is not applied twice. Calls are serialized (S²CRNet needs one caller at a time); disposing disposes both.</para>
/// <para>Make chains with <see cref="Create"/>: when both methods are parametric the chain is too
/// (<see cref="ChainedParametricHarmonizer"/>), so video smoothing and the web app's strength work on it.</para>
/// </summary>
public class ChainedHarmonizer : IHarmonizer, ISetupWarnings, IDisposable
{
    /// <summary>Serializes fits: the stages may not allow concurrent calls.</summary>
    private protected readonly Lock Gate = new();

    private protected ChainedHarmonizer(IHarmonizer first, IHarmonizer second, float firstStrength)
    {
        MapStrength.Require(firstStrength);
        (First, Second, FirstStrength) = (first, second, firstStrength);
    }

    /// <summary>Chains <paramref name="first"/> and <paramref name="second"/>; the chain owns both.</summary>
    /// <param name="first">The method run on the composite.</param>
    /// <param name="second">The method run on the first one's result.</param>
    /// <param name="firstStrength">How much of the first method's change to apply before the second runs, in [0, 1].</param>
    /// <returns>A <see cref="ChainedParametricHarmonizer"/> when both methods are <see cref="IParametricHarmonizer"/>s.</returns>
    public static ChainedHarmonizer Create(IHarmonizer first, IHarmonizer second, float firstStrength = 1f) =>
        first is IParametricHarmonizer p1 && second is IParametricHarmonizer p2
            ? new ChainedParametricHarmonizer(p1, p2, firstStrength)
            : new ChainedHarmonizer(first, second, firstStrength);

    /// <summary>The method run on the composite.</summary>
    public IHarmonizer First { get; }

    /// <summary>The method run on the first one's result.</summary>
    public IHarmonizer Second { get; }

    /// <summary>How much of the first method's change is applied before the second runs (1 = all).</summary>
    public float FirstStrength { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> SetupWarnings =>
        [.. (First as ISetupWarnings)?.SetupWarnings ?? [], .. (Second as ISetupWarnings)?.SetupWarnings ?? []];

    /// <inheritdoc />
    public virtual IForegroundMap Fit(RgbImage composite, Mask mask)
    {
        lock (Gate)
        {
            var first = First.Fit(composite, mask).AtStrength(FirstStrength);
            var middle = ForegroundRenderer.Render(composite, mask, first);
            return new ComposedForegroundMap(first, Second.Fit(middle, mask));
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (First as IDisposable)?.Dispose();
        (Second as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A chain of two parametric methods (<see cref="ChainedHarmonizer.Create"/>): <see cref="Predict"/> returns both
/// stages' parameters (<see cref="ChainedParameters"/>), which interpolate stage by stage for video smoothing.
/// </summary>
public sealed class ChainedParametricHarmonizer : ChainedHarmonizer, IParametricHarmonizer
{
    readonly IParametricHarmonizer first, second;

    internal ChainedParametricHarmonizer(IParametricHarmonizer first, IParametricHarmonizer second, float firstStrength)
        : base(first, second, firstStrength) => (this.first, this.second) = (first, second);

    /// <summary>The parameters' map, so a fit renders exactly what the parameters render.</summary>
    public override IForegroundMap Fit(RgbImage composite, Mask mask) => Predict(composite, mask).Map();

    /// <inheritdoc />
    public IHarmonizationParameters Predict(RgbImage composite, Mask mask)
    {
        lock (Gate)
        {
            var p1 = first.Predict(composite, mask);
            var middle = ForegroundRenderer.Render(composite, mask, p1.Map().AtStrength(FirstStrength));
            return new ChainedParameters(p1, second.Predict(middle, mask), FirstStrength);
        }
    }
}

/// <summary>
/// What a chain of two parametric methods predicted: the first stage's parameters (their map at
/// <see cref="FirstStrength"/>, <c>Map().AtStrength(s)</c>: the same as <see cref="ChainedHarmonizer.Fit"/> and as
/// <c>--strength</c> on the first method alone) and the second's, fitted on the first one's result. Immutable and thread-safe.
/// </summary>
public sealed class ChainedParameters(IHarmonizationParameters first, IHarmonizationParameters second, float firstStrength) : IHarmonizationParameters
{
    /// <summary>The first stage's parameters.</summary>
    public IHarmonizationParameters First { get; } = first;

    /// <summary>The second stage's parameters.</summary>
    public IHarmonizationParameters Second { get; } = second;

    /// <summary>How much of the first stage is applied (1 = all).</summary>
    public float FirstStrength { get; } = firstStrength;

    /// <summary><c>chain(FIRST,SECOND)</c> of the stages' kinds, e.g. <c>chain(curves,local-affine)</c>.</summary>
    public string Kind => $"chain({First.Kind},{Second.Kind})";

    /// <summary>Both stages composed; <paramref name="strength"/> blends the composed colours toward the composite's.</summary>
    public IForegroundMap Map(float strength = 1f) => new ComposedForegroundMap(First.Map().AtStrength(FirstStrength), Second.Map()).AtStrength(strength);

    /// <summary>Interpolates stage by stage (each in its own parameter space); <paramref name="other"/> must be a chain of the same kinds.</summary>
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not ChainedParameters o || o.Kind != Kind || o.FirstStrength != FirstStrength)
            throw new ArgumentException($"Cannot interpolate '{Kind}' parameters with '{other.Kind}'.", nameof(other));
        return new ChainedParameters(First.Interpolate(o.First, t), Second.Interpolate(o.Second, t), FirstStrength);
    }

    /// <summary><c>{"kind": "chain", "first_strength": s, "first": {...}, "second": {...}}</c> with each stage's own JSON.</summary>
    public string ToJson() => new JsonObject
    {
        ["kind"] = "chain",
        ["first_strength"] = FirstStrength,
        ["first"] = JsonNode.Parse(First.ToJson()),
        ["second"] = JsonNode.Parse(Second.ToJson()),
    }.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
