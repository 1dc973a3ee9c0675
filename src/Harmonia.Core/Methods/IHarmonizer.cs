using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Harmonia.Core.Imaging;
using Harmonia.Core.Rendering;

namespace Harmonia.Core.Methods;

/// <summary>
/// The one interface every harmonization method implements, classical or learned: from a composite and its mask, a
/// <see cref="IForegroundMap"/> that <see cref="ForegroundRenderer"/> applies at full resolution. The contract:
/// <list type="bullet">
/// <item><b>Masks.</b> <see cref="Fit"/> may assume the mask's binary view (<c>alpha &gt;= Threshold</c>) has at least one
/// foreground and one background pixel: callers go through <see cref="Harmonization"/>, the one place that decides the
/// other cases (an empty mask gives the composite unchanged with a warning; a full mask, with nothing to match, is a
/// <see cref="Errors.HarmoniaException"/>). A method may still check and throw, but never decides these cases itself.</item>
/// <item><b>Sizes.</b> Composite and mask have the same W x H (any size ≥ 1); the method reads them and never writes them.</item>
/// <item><b>The map.</b> Immutable, thread-safe, independent of the method's native resources, and valid at any strength
/// (<see cref="IForegroundMap.AtStrength"/>). Where the soft alpha is 0 the rendered bytes equal the composite's.</item>
/// <item><b>Threads.</b> Maps render on many threads. <see cref="Fit"/> itself is safe to call from one thread at a time;
/// classical methods (stateless) allow concurrent calls, learned ones say in their docs whether they serialize
/// (PHNet) or need one instance per thread (S²CRNet).</item>
/// <item><b>Disposal.</b> Methods holding native resources (networks) implement <see cref="IDisposable"/>; whoever
/// created the method disposes it, after its last <see cref="Fit"/>. Maps made before stay valid.</item>
/// </list>
/// </summary>
public interface IHarmonizer
{
    /// <summary>
    /// Fits the method to <paramref name="composite"/> under <paramref name="mask"/> (statistics, a network pass) and
    /// returns the foreground map at full strength.
    /// </summary>
    /// <param name="composite">8-bit RGB, W x H.</param>
    /// <param name="mask">Same W x H; soft alpha for blending, its binary view for statistics and networks; neither empty nor full.</param>
    IForegroundMap Fit(RgbImage composite, Mask mask);
}

/// <summary>How much of an image a mask's binary view covers.</summary>
public enum MaskCoverage
{
    /// <summary>No foreground pixel: there is nothing to harmonize.</summary>
    Empty,
    /// <summary>Both foreground and background pixels: the case methods handle.</summary>
    Partial,
    /// <summary>No background pixel: there is nothing to match the foreground to.</summary>
    Full,
}

/// <summary>
/// Running a method on an image: the mask checks every caller needs (in this one place), <see cref="IHarmonizer.Fit"/>,
/// the strength and the render.
/// </summary>
public static class Harmonization
{
    /// <summary>The warning for an empty mask.</summary>
    public const string EmptyMaskWarning = "the mask has no foreground pixels; the output equals the composite";

    /// <summary>The error for a full mask.</summary>
    public const string FullMaskMessage = "The mask covers the whole image: there is no background to harmonize the foreground to (if the mask is in the RGB channels of an RGBA file, try --mask-channel luminance).";

    /// <summary>
    /// Whether <paramref name="mask"/>'s binary view is empty, partial or full. Stops at the first pixel of each side
    /// (8 at a time), so a typical mask costs a fraction of a pass.
    /// </summary>
    public static MaskCoverage Coverage(Mask mask)
    {
        ReadOnlySpan<float> alpha = mask.Alpha;
        float threshold = mask.Threshold;
        bool foreground = false, background = false;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var cut = Vector256.Create(threshold);
            ref float start = ref MemoryMarshal.GetReference(alpha);
            for (; i + 8 <= alpha.Length && !(foreground && background); i += 8)
            {
                uint bits = Vector256.GreaterThanOrEqual(Vector256.LoadUnsafe(ref start, (nuint)i), cut).ExtractMostSignificantBits();
                foreground |= bits != 0;
                background |= bits != 0xFF;
            }
        }
        for (; i < alpha.Length && !(foreground && background); i++)
        {
            if (alpha[i] >= threshold) foreground = true;
            else background = true;
        }
        return !foreground ? MaskCoverage.Empty : !background ? MaskCoverage.Full : MaskCoverage.Partial;
    }

    /// <summary>
    /// Harmonizes into <paramref name="destination"/> (W x H; may be <paramref name="composite"/> itself to render in
    /// place). Empty mask: the composite's bytes and <see cref="EmptyMaskWarning"/>; full mask: a
    /// <see cref="Errors.HarmoniaException"/>; otherwise the method's map at <paramref name="strength"/> (in [0, 1]).
    /// Returns the warning, or null.
    /// </summary>
    public static string? HarmonizeInto(this IHarmonizer method, RgbImage composite, Mask mask, float strength, RgbImage destination)
    {
        MapStrength.Require(strength);
        switch (Coverage(mask))
        {
            case MaskCoverage.Empty:
                if (!ReferenceEquals(destination.Pixels, composite.Pixels)) composite.Pixels.AsSpan().CopyTo(destination.Pixels);
                return EmptyMaskWarning;
            case MaskCoverage.Full:
                throw new Errors.HarmoniaException(FullMaskMessage);
        }
        ForegroundRenderer.Render(composite, mask, method.Fit(composite, mask).AtStrength(strength), destination);
        return null;
    }

    /// <summary>
    /// Harmonizes into a new W x H image (see <see cref="HarmonizeInto"/>); wherever <c>mask.Alpha == 0</c> its bytes
    /// equal the composite's exactly.
    /// </summary>
    public static RgbImage Harmonize(this IHarmonizer method, RgbImage composite, Mask mask, float strength = 1f)
    {
        var output = new RgbImage(composite.Width, composite.Height);
        method.HarmonizeInto(composite, mask, strength, output);
        return output;
    }
}
