using Harmonia.Core.Imaging;

namespace Harmonia.Core.Methods;

/// <summary>
/// The one interface every harmonization method implements, classical or learned.
/// </summary>
public interface IHarmonizer
{
    /// <summary>
    /// Harmonizes the foreground of <paramref name="composite"/> to its background.
    /// </summary>
    /// <param name="composite">8-bit RGB, any size (W x H).</param>
    /// <param name="mask">Same W x H; soft alpha used for blending, its binary view for statistics. Must not be empty.</param>
    /// <returns>A new W x H image. Wherever <c>mask.Alpha == 0</c> its bytes equal the composite's exactly.</returns>
    RgbImage Harmonize(RgbImage composite, Mask mask);
}
