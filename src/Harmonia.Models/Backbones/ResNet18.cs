using Harmonia.Models.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Harmonia.Models.Backbones;

/// <summary>
/// ResNet-18 basic block with torchvision's field names (<c>conv1</c>, <c>bn1</c>, <c>conv2</c>, <c>bn2</c>,
/// <c>downsample.0</c>/<c>downsample.1</c>). Strided 3×3 convolutions pad top/left by 1 and bottom/right by 0, as
/// the CNTK-trained ImageNet weights Harmonia ships with (<see cref="ResNet18OnnxInit"/>) were trained.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Conv2d conv2;
    readonly BatchNorm2d bn2;
    readonly Sequential? downsample;
    readonly int stride;

    /// <summary>inPlanes → planes, first convolution with <paramref name="stride"/> (1 or 2); layers on <paramref name="device"/> (see <see cref="ResNet18(int[], Device)"/>).</summary>
    public BasicBlock(long inPlanes, long planes, int stride, Device? device = null) : base(nameof(BasicBlock))
    {
        this.stride = stride;
        conv1 = nn.Conv2d(inPlanes, planes, 3, stride: stride, padding: stride == 1 ? 1 : 0, bias: false, device: device);
        bn1 = nn.BatchNorm2d(planes, device: device);
        conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false, device: device);
        bn2 = nn.BatchNorm2d(planes, device: device);
        if (stride != 1 || inPlanes != planes)
            downsample = nn.Sequential(nn.Conv2d(inPlanes, planes, 1, stride: stride, bias: false, device: device), nn.BatchNorm2d(planes, device: device));
        RegisterComponents();
    }

    /// <summary>(N, in, H, W) → (N, planes, ⌈H/stride⌉, ⌈W/stride⌉).</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var first = stride == 1 ? x : nn.functional.pad(x, [1, 0, 1, 0]);
        var y = nn.functional.relu(bn1.forward(conv1.forward(first)));
        y = bn2.forward(conv2.forward(y));
        var identity = downsample is null ? x : downsample.forward(x);
        return nn.functional.relu(y.Plus(identity)).MoveToOuterDisposeScope();
    }
}

/// <summary>The pooled features of every stage of <see cref="ResNet18"/>.</summary>
/// <param name="Stages">Global-average-pooled outputs of layer1..layer4: (N, 64), (N, 128), (N, 256), (N, 512).</param>
public sealed record ResNetPooled(Tensor[] Stages);

/// <summary>
/// ResNet-18 encoder (He et al. 2016) without the classifier, torchvision parameter names (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, …). Input: (N, 3, H, W) RGB in [0, 1], any H, W ≥ 32; the ImageNet input convention of the
/// shipped weights (BGR 0–255 minus a per-channel mean) is applied inside <see cref="forward"/>.
/// Padding follows the CNTK export of the weights: the 7×7/2 stem pads 3 before and 2 after, the max pool and the
/// strided 3×3 convolutions pad 1 before and 0 after, so a 224² input gives exactly the reference graph.
/// The encoder is used in eval mode (BatchNorm running statistics), also when fine-tuned.
/// </summary>
public sealed class ResNet18 : nn.Module<Tensor, Tensor>
{
    /// <summary>Channels of the last stage (the pooled feature width).</summary>
    public const int Channels = 512;

    /// <summary>Channels of layer1..layer4.</summary>
    public static readonly int[] StageChannels = [64, 128, 256, 512];

    /// <summary>
    /// Per-channel mean of the ImageNet mean image the weights were trained with, in RGB order on the 0–255 scale
    /// (the reference preprocessing subtracts a 224² mean image; its spatial average is used so any size works).
    /// </summary>
    public static readonly float[] MeanRgb = [123.151634f, 115.902885f, 103.06262f];

    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Sequential layer1;
    readonly Sequential layer2;
    readonly Sequential layer3;
    readonly Sequential layer4;
    readonly Tensor scale;
    readonly Tensor offset;

    /// <summary>
    /// Blocks per stage of the packaged ImageNet model: its CNTK graph has 2, 2, 2 and 3 basic blocks (22
    /// convolutions; torchvision's ResNet-18 has 2, 2, 2, 2). <see cref="ResNet18OnnxInit"/> checks the graph against it.
    /// </summary>
    public static readonly int[] PackagedBlocks = [2, 2, 2, 3];

    /// <summary>Blocks per stage of this encoder.</summary>
    public IReadOnlyList<int> Blocks { get; }

    /// <summary>Builds an untrained encoder (load weights with <see cref="ResNet18OnnxInit"/> or a state dict).</summary>
    /// <param name="blocks">Basic blocks per stage (4 values); default <see cref="PackagedBlocks"/>.</param>
    /// <param name="device">
    /// Where the convolution and BatchNorm tensors live; default the CPU, randomly initialised as PyTorch does.
    /// <see cref="DeviceType.META"/> gives layers without memory or initialisation, whose tensors must all be assigned
    /// before use (<see cref="ResNet18OnnxInit.Load"/> does): the random initialisation of 16 M weights that are
    /// overwritten right after costs a start-up about 70 ms.
    /// </param>
    public ResNet18(int[]? blocks = null, Device? device = null) : base(nameof(ResNet18))
    {
        blocks ??= PackagedBlocks;
        if (blocks.Length != 4 || blocks.Any(b => b < 1 || b > 8)) throw new ArgumentException("A ResNet has 4 stages of 1 to 8 blocks.", nameof(blocks));
        Blocks = blocks;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, bias: false, device: device);
        bn1 = nn.BatchNorm2d(64, device: device);
        layer1 = Stage(64, 64, 1, blocks[0], device);
        layer2 = Stage(64, 128, 2, blocks[1], device);
        layer3 = Stage(128, 256, 2, blocks[2], device);
        layer4 = Stage(256, 512, 2, blocks[3], device);
        // x_bgr·255 − mean, written as a per-channel affine of the RGB input followed by a channel flip.
        scale = torch.full(new long[] { 1, 3, 1, 1 }, TorchScalars.Of(255));
        offset = torch.tensor(new[] { -MeanRgb[2], -MeanRgb[1], -MeanRgb[0] }).view(1, 3, 1, 1);
        RegisterComponents();
    }

    static Sequential Stage(long inPlanes, long planes, int stride, int count, Device? device) =>
        nn.Sequential(Enumerable.Range(0, count).Select(i => (nn.Module<Tensor, Tensor>)new BasicBlock(i == 0 ? inPlanes : planes, planes, i == 0 ? stride : 1, device)).ToArray());

    /// <summary>The network input the weights expect: (N, 3, H, W) RGB [0, 1] → BGR 0–255 minus the mean.</summary>
    public Tensor Normalize(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var bgr = rgb.flip(1);
        return torch.addcmul(offset, bgr, scale, TorchScalars.Of(1)).MoveToOuterDisposeScope();
    }

    /// <summary>(N, 3, H, W) RGB [0, 1] → layer4 features (N, 512, ≈H/32, ≈W/32).</summary>
    public override Tensor forward(Tensor rgb) => Stages(rgb)[3];

    /// <summary>The outputs of layer1..layer4 for an RGB [0, 1] input: strides 4, 8, 16, 32.</summary>
    public Tensor[] Stages(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.pad(Normalize(rgb), [3, 2, 3, 2]);
        x = nn.functional.relu(bn1.forward(conv1.forward(x)));
        // Inputs of the pool are ≥ 0 after ReLU, so zero padding equals the reference's −∞ padding.
        x = nn.functional.max_pool2d(nn.functional.pad(x, [1, 0, 1, 0]), 3, 2);
        var s1 = layer1.forward(x);
        var s2 = layer2.forward(s1);
        var s3 = layer3.forward(s2);
        var s4 = layer4.forward(s3);
        Tensor[] stages = [s1, s2, s3, s4];
        foreach (var s in stages) s.MoveToOuterDisposeScope();
        return stages;
    }

    /// <summary>Global-average-pooled features of every stage (see <see cref="ResNetPooled"/>).</summary>
    public ResNetPooled Pooled(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        var pooled = Stages(rgb).Select(s => s.mean([2L, 3L]).MoveToOuterDisposeScope()).ToArray();
        return new ResNetPooled(pooled);
    }

    /// <summary>Every BatchNorm layer (kept in eval mode by callers that fine-tune).</summary>
    public IEnumerable<BatchNorm2d> BatchNorms() => modules().OfType<BatchNorm2d>();
}
