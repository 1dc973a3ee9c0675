using System.Text.Json;
using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Core.Rendering;

namespace Harmonia.Models.PHNet;

/// <summary>
/// PHNet's <c>transfer=direct</c> result (the official inference): the network's working-resolution image itself,
/// upsampled bicubically to the composite's size row by row while it is blended under the mask
/// (<see cref="ImageForegroundMap"/>). Strength blends toward the composite;
/// two results of the same working size interpolate pixel by pixel.
/// </summary>
public sealed class NetworkImageParameters(RgbImage network) : IHarmonizationParameters
{
    /// <summary>The network output at working resolution (8-bit RGB).</summary>
    public RgbImage Network { get; } = network;

    /// <inheritdoc />
    public string Kind => "network-image";

    /// <inheritdoc />
    public IForegroundMap Map(float strength = 1f) => new ImageForegroundMap(Network, ResizeFilter.Bicubic).AtStrength(strength);

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
