using Harmonia.Core.Registry;
using Harmonia.Core.Imaging;
using Harmonia.Core.Color;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>The documented closed range [Min, Max] of one sampled numeric parameter.</summary>
public readonly record struct ParameterRange(double Min, double Max)
{
    /// <summary>Whether <paramref name="v"/> lies in the range (inclusive).</summary>
    public bool Contains(double v) => v >= Min && v <= Max;
}

/// <summary>Everything a family may look at when perturbing one photo's foreground.</summary>
/// <param name="Real">The untouched photo, W x H RGB.</param>
/// <param name="Mask">Its foreground mask, W x H.</param>
/// <param name="Stats">The photo's foreground colour statistics (null when the binary foreground is empty).</param>
/// <param name="References">Candidate reference photos for colour transfer (same split), or null.</param>
/// <param name="Stem">The photo's file stem (used to exclude itself from references).</param>
/// <param name="ObjectLabel">Canonical object label (e.g. "car"), or "" when unknown.</param>
public sealed record PerturbationContext(RgbImage Real, Mask Mask, ForegroundStatistics? Stats, ReferencePool? References, string Stem, string ObjectLabel);

/// <summary>One sampled perturbation: a full-size image whose pixels under alpha &gt; 0 are the perturbed foreground
/// (other pixels are ignored by the blend), and the sampled parameters for the sidecar.</summary>
public sealed record Perturbation(RgbImage Image, IReadOnlyDictionary<string, object> Parameters);

/// <summary>
/// A family of synthetic appearance changes applied to a photo's foreground. Implementations are stateless and
/// thread-safe; all randomness comes from the <see cref="SeededRandom"/> passed in.
/// </summary>
public interface IPerturbationFamily : INamedEntry
{
    /// <summary>iHarmony4 subset folder name, e.g. "HTransfer".</summary>
    string Subset { get; }
    /// <summary>Documented ranges of every numeric parameter this family can report.</summary>
    IReadOnlyDictionary<string, ParameterRange> Ranges { get; }
    /// <summary>Samples parameters and renders the perturbed foreground.</summary>
    Perturbation Sample(PerturbationContext context, SeededRandom rng);
    /// <summary>The quality gate's minimum fMSE for this family's composites (only the identity family lowers it).</summary>
    double MinForegroundMse => Synthesis.CompositeQuality.DefaultMinForegroundMse;
    /// <summary>How far this instance's ranges reach relative to the documented ones (1 = as documented).</summary>
    double Strength => 1;
    /// <summary>
    /// The same family with every range scaled by <paramref name="strength"/> about its neutral value, or null when the
    /// family has no strength (its ranges are not magnitudes of one edit).
    /// </summary>
    IPerturbationFamily? WithStrength(double strength) => strength == 1 ? this : null;
}

/// <summary>The families by CLI name (<see cref="NamedRegistry{T}"/>), and the pixel loop they share.</summary>
public static class PerturbationFamilies
{
    /// <summary>Every family in canonical order (the order of a dataset's subsets).</summary>
    public static NamedRegistry<IPerturbationFamily> Registry { get; } = new NamedRegistry<IPerturbationFamily>("perturbation family")
        .Register(new TransferFamily()).Register(new RetouchFamily()).Register(new JitterFamily()).Register(new DaylightFamily()).Register(new CastFamily()).Register(new IdentityFamily());

    /// <summary>All families in canonical order.</summary>
    public static IReadOnlyList<IPerturbationFamily> All => Registry.All;

    /// <summary>
    /// Copies <paramref name="real"/> and replaces every pixel with alpha &gt; 0 by <paramref name="map"/> of its RGB
    /// in [0,1]; rows in parallel. The map writes the new RGB (unclipped, [0,1] scale) into its span.
    /// </summary>
    public static RgbImage MapForeground(RgbImage real, Mask mask, PixelMap map)
    {
        var outImage = real.Clone();
        int w = real.Width;
        Parallel.For(0, real.Height, y =>
        {
            Span<float> rgb = stackalloc float[3];
            var row = outImage.Row(y);
            for (int x = 0; x < w; x++)
            {
                if (mask.Alpha[y * w + x] <= 0f) continue;
                int o = 3 * x;
                rgb[0] = row[o] / 255f; rgb[1] = row[o + 1] / 255f; rgb[2] = row[o + 2] / 255f;
                map(rgb);
                row[o] = Srgb.ToByte(rgb[0]);
                row[o + 1] = Srgb.ToByte(rgb[1]);
                row[o + 2] = Srgb.ToByte(rgb[2]);
            }
        });
        return outImage;
    }

    /// <summary>In-place map of one pixel's RGB in [0,1].</summary>
    public delegate void PixelMap(Span<float> rgb);
}
