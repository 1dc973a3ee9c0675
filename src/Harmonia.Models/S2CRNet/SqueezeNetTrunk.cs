using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.S2CRNet;

/// <summary>
/// SqueezeNet 1.1 "Fire" block: squeeze 1x1 + ReLU, then expand 1x1 + ReLU and expand 3x3 (pad 1) + ReLU, concatenated.
/// Field names equal torchvision's (<c>squeeze</c>, <c>expand1x1</c>, <c>expand3x3</c>).
/// </summary>
public sealed class Fire : nn.Module<Tensor, Tensor>
{
    readonly Conv2d squeeze;
    readonly Conv2d expand1x1;
    readonly Conv2d expand3x3;

    /// <summary>Creates a block with the given channel counts (output = expand1x1 + expand3x3 channels).</summary>
    public Fire(long inPlanes, long squeezePlanes, long expand1x1Planes, long expand3x3Planes) : base(nameof(Fire))
    {
        squeeze = nn.Conv2d(inPlanes, squeezePlanes, 1);
        expand1x1 = nn.Conv2d(squeezePlanes, expand1x1Planes, 1);
        expand3x3 = nn.Conv2d(squeezePlanes, expand3x3Planes, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>(N, in, H, W) → (N, e1 + e3, H, W).</summary>
    public override Tensor forward(Tensor x)
    {
        using var s = nn.functional.relu(squeeze.forward(x));
        using var a = nn.functional.relu(expand1x1.forward(s));
        using var b = nn.functional.relu(expand3x3.forward(s));
        return torch.cat([a, b], 1);
    }
}

/// <summary>
/// SqueezeNet 1.1 <c>features[:12]</c> with torchvision's numbering: 0 conv 3x3/2 (3→64), 1 ReLU, 2 maxpool 3/2 ceil,
/// 3 fire(64,16,64,64), 4 fire(128,16,64,64), 5 maxpool, 6 fire(128,32,128,128), 7 fire(256,32,128,128), 8 maxpool,
/// 9 fire(256,48,192,192), 10 fire(384,48,192,192), 11 fire(384,64,256,256) → 512 channels (fire9, index 12, is not used).
/// A 256² input gives (N, 512, 15, 15).
/// </summary>
public static class SqueezeNetTrunk
{
    /// <summary>Output channels of the trunk.</summary>
    public const int Channels = 512;

    /// <summary>Builds the trunk as a Sequential whose child names are "0".."11" (state dict names like torchvision's).</summary>
    public static Sequential Create() => nn.Sequential(
        ("0", nn.Conv2d(3, 64, 3, stride: 2)),
        ("1", nn.ReLU()),
        ("2", nn.MaxPool2d(3, 2, ceil_mode: true)),
        ("3", new Fire(64, 16, 64, 64)),
        ("4", new Fire(128, 16, 64, 64)),
        ("5", nn.MaxPool2d(3, 2, ceil_mode: true)),
        ("6", new Fire(128, 32, 128, 128)),
        ("7", new Fire(256, 32, 128, 128)),
        ("8", nn.MaxPool2d(3, 2, ceil_mode: true)),
        ("9", new Fire(256, 48, 192, 192)),
        ("10", new Fire(384, 48, 192, 192)),
        ("11", new Fire(384, 64, 256, 256)));
}
