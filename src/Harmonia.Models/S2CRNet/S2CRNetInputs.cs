using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// Builds the two encoder inputs from tensors (training and tests): fg = composite·mask cropped to the mask's bounding
/// box and resized to S² (bilinear, antialiased), bg = composite·(1 − mask) resized to S².
/// </summary>
public static class S2CRNetInputs
{
    /// <summary>composite: (N, 3, H, W) in [0, 1]; mask: (N, 1, H, W) in [0, 1]. Returns fg, bg: (N, 3, S, S).</summary>
    public static (Tensor Fg, Tensor Bg) Build(Tensor composite, Tensor mask, int size)
    {
        using var scope = NewDisposeScope();
        long n = composite.shape[0], h = composite.shape[2], w = composite.shape[3];
        var masked = composite * mask;
        var crops = new Tensor[n];
        using (torch.no_grad())
        {
            for (long i = 0; i < n; i++)
            {
                var m = mask[i, 0] > 0.5;
                var rows = m.any(1).nonzero();
                var cols = m.any(0).nonzero();
                long y0 = 0, y1 = h, x0 = 0, x1 = w;
                if (rows.shape[0] > 0)
                {
                    y0 = rows[0, 0].item<long>();
                    y1 = rows[-1, 0].item<long>() + 1;
                    x0 = cols[0, 0].item<long>();
                    x1 = cols[-1, 0].item<long>() + 1;
                }
                var crop = masked[i].narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).unsqueeze(0);
                crops[i] = Resize(crop, size);
            }
        }
        var fg = torch.cat(crops, 0);
        var bg = Resize(composite * (1 - mask), size);
        return (fg.MoveToOuterDisposeScope(), bg.MoveToOuterDisposeScope());
    }

    static Tensor Resize(Tensor x, int size) =>
        x.shape[2] == size && x.shape[3] == size
            ? x.alias()
            : nn.functional.interpolate(x, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);

    /// <summary>(N) int64 class indices → (N, 5) float one-hot.</summary>
    public static Tensor OneHot(Tensor labels) =>
        nn.functional.one_hot(labels.clamp(TorchScalars.OfInteger(0), TorchScalars.OfInteger(S2CRNetConfig.ClassCount - 1)), S2CRNetConfig.ClassCount).to_type(ScalarType.Float32);
}
