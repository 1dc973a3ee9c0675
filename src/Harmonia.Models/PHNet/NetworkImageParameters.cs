using System.Text.Json;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet's <c>transfer=direct</c> result (the official inference): the network's working-resolution image itself,
/// upsampled bicubically to the composite's size and blended under the mask. Strength blends toward the composite;
/// two results of the same working size interpolate pixel by pixel.
/// </summary>
public sealed class NetworkImageParameters(RgbImage network) : IHarmonizationParameters
{
    /// <summary>The network output at working resolution (8-bit RGB).</summary>
    public RgbImage Network { get; } = network;

    /// <inheritdoc />
    public string Kind => "network-image";

    /// <inheritdoc />
    public RgbImage Render(RgbImage composite, Mask mask, float strength = 1f)
    {
        if (!(strength >= 0f && strength <= 1f)) throw new ArgumentOutOfRangeException(nameof(strength), "Strength must be in [0, 1].");
        var full = Resize.Rgb(Network, composite.Width, composite.Height, ResizeFilter.Bicubic);
        if (strength < 1f)
            for (int i = 0; i < full.Pixels.Length; i++)
                full.Pixels[i] = (byte)MathF.Round(composite.Pixels[i] + strength * (full.Pixels[i] - composite.Pixels[i]));
        return ForegroundRenderer.Blend(composite, full, mask);
    }

    /// <inheritdoc />
    public IHarmonizationParameters Interpolate(IHarmonizationParameters other, float t)
    {
        if (other is not NetworkImageParameters o || o.Network.Width != Network.Width || o.Network.Height != Network.Height)
            throw new ArgumentException("Network images interpolate only with network images of the same working size.", nameof(other));
        var blended = new RgbImage(Network.Width, Network.Height);
        for (int i = 0; i < blended.Pixels.Length; i++)
            blended.Pixels[i] = (byte)MathF.Round(Network.Pixels[i] + t * (o.Network.Pixels[i] - Network.Pixels[i]));
        return new NetworkImageParameters(blended);
    }

    /// <inheritdoc />
    public string ToJson() => JsonSerializer.Serialize(new { format = "phnet-network-image/1", width = Network.Width, height = Network.Height });
}
