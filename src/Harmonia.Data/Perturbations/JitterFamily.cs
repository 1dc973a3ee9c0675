using Harmonia.Core.Imaging;
using Harmonia.Core.Randomness;

namespace Harmonia.Data.Perturbations;

/// <summary>
/// FFHQH-style jitter (PHNet, seed 004 §3.2.1) with torchvision semantics (<see cref="TorchvisionOps"/>):
/// <list type="number">
/// <item><c>ColorJitter(brightness=0.5, contrast=0.4, saturation=0.06, hue=0.05)</c>: factors brightness U[0.5, 1.5],
/// contrast U[0.6, 1.4], saturation U[0.94, 1.06], hue U[-0.05, 0.05], applied in a random order (a permutation of
/// the four, as <c>torch.randperm(4)</c> in <c>ColorJitter.forward</c>);</item>
/// <item><c>RandomPosterize(bits=6, p=0.5)</c>;</item>
/// <item><c>RandomAdjustSharpness(sharpness_factor=4, p=0.5)</c>;</item>
/// <item><c>RandomAutocontrast(p=0.5)</c>.</item>
/// </list>
/// "Applied to the foreground": the ops run on the crop of the foreground's bounding box (pixels with alpha &gt; 0),
/// so image-level statistics (contrast's gray mean, autocontrast's min/max) are the foreground's, not the background's.
/// </summary>
public sealed class JitterFamily : IPerturbationFamily
{
    /// <summary>The family's name on the command line.</summary>
    public const string FamilyName = "jitter";

    /// <inheritdoc />
    public string Name => FamilyName;

    /// <inheritdoc />
    public string Description => "torchvision ColorJitter as PHNet's FFHQH (HJitter)";

    /// <inheritdoc />
    public string Subset => "HJitter";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ParameterRange> Ranges { get; } = new Dictionary<string, ParameterRange>
    {
        ["brightness"] = new(0.5, 1.5),
        ["contrast"] = new(0.6, 1.4),
        ["saturation"] = new(0.94, 1.06),
        ["hue"] = new(-0.05, 0.05),
    };

    /// <summary>The four ColorJitter ops in torchvision's index order (0 brightness, 1 contrast, 2 saturation, 3 hue).</summary>
    public static readonly string[] JitterOps = ["brightness", "contrast", "saturation", "hue"];

    /// <summary>Sampled jitter parameters.</summary>
    public sealed record Parameters(int[] Order, double Brightness, double Contrast, double Saturation, double Hue,
        bool Posterize, bool Sharpen, bool Autocontrast);

    /// <summary>Samples the parameters as torchvision's transforms do.</summary>
    public Parameters SampleParameters(SeededRandom rng)
    {
        var order = rng.Permutation(4);
        double b = rng.Uniform(0.5, 1.5), c = rng.Uniform(0.6, 1.4), s = rng.Uniform(0.94, 1.06), h = rng.Uniform(-0.05, 0.05);
        return new Parameters(order, b, c, s, h, rng.Chance(0.5), rng.Chance(0.5), rng.Chance(0.5));
    }

    /// <summary>Applies the full jitter pipeline to an image (the foreground crop).</summary>
    public static RgbImage Apply(RgbImage img, Parameters p)
    {
        foreach (var op in p.Order)
        {
            img = op switch
            {
                0 => TorchvisionOps.AdjustBrightness(img, p.Brightness),
                1 => TorchvisionOps.AdjustContrast(img, p.Contrast),
                2 => TorchvisionOps.AdjustSaturation(img, p.Saturation),
                _ => TorchvisionOps.AdjustHue(img, p.Hue),
            };
        }
        if (p.Posterize) img = TorchvisionOps.Posterize(img, 6);
        if (p.Sharpen) img = TorchvisionOps.AdjustSharpness(img, 4);
        if (p.Autocontrast) img = TorchvisionOps.Autocontrast(img);
        return img;
    }

    /// <inheritdoc />
    public Perturbation Sample(PerturbationContext context, SeededRandom rng)
    {
        var p = SampleParameters(rng);
        var real = context.Real;
        var (x0, y0, cw, ch) = AlphaBounds(context.Mask) ?? (0, 0, real.Width, real.Height);
        var crop = new RgbImage(cw, ch);
        for (int y = 0; y < ch; y++) real.Row(y0 + y).Slice(x0 * 3, cw * 3).CopyTo(crop.Row(y));
        var jittered = Apply(crop, p);
        var outImage = real.Clone();
        for (int y = 0; y < ch; y++) jittered.Row(y).CopyTo(outImage.Row(y0 + y).Slice(x0 * 3, cw * 3));
        var parameters = new Dictionary<string, object>
        {
            ["order"] = string.Join(",", p.Order.Select(i => JitterOps[i])),
            ["brightness"] = p.Brightness,
            ["contrast"] = p.Contrast,
            ["saturation"] = p.Saturation,
            ["hue"] = p.Hue,
            ["posterize"] = p.Posterize,
            ["sharpen"] = p.Sharpen,
            ["autocontrast"] = p.Autocontrast,
        };
        return new Perturbation(outImage, parameters);
    }

    /// <summary>Bounding box of pixels with alpha &gt; 0, or null when there are none.</summary>
    static (int X, int Y, int W, int H)? AlphaBounds(Mask mask)
    {
        int x0 = mask.Width, y0 = mask.Height, x1 = -1, y1 = -1;
        for (int y = 0; y < mask.Height; y++)
        for (int x = 0; x < mask.Width; x++)
        {
            if (mask.Alpha[y * mask.Width + x] <= 0f) continue;
            if (x < x0) x0 = x;
            if (x > x1) x1 = x;
            if (y < y0) y0 = y;
            y1 = y;
        }
        return x1 < 0 ? null : (x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }
}
