using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Evaluation;

/// <summary>
/// A generated iHarmony4-layout dataset in a temp folder: subsets SubA and SubB, each one 32x32 real image
/// <c>x1</c> (SubA) / <c>y1</c> (SubB), three rectangle masks <c>*_1.._3</c> with foreground ratios 20/1024 (2%),
/// 100/1024 (9.8%) and 320/1024 (31%), and composites <c>*_k_1</c> whose foreground colours are shifted. PNG only,
/// so what is read equals what was written.
/// </summary>
public sealed class TinyDataset : IDisposable
{
    /// <summary>Side of the images.</summary>
    public const int Size = 32;

    readonly TempFolder folder = new();

    /// <summary>The dataset root.</summary>
    public string Root => folder.Path;

    /// <summary>Mask rectangles (x, y, w, h) of masks 1..3.</summary>
    public static readonly (int X, int Y, int W, int H)[] Rectangles = [(3, 4, 4, 5), (10, 12, 10, 10), (8, 6, 16, 20)];

    /// <summary>Creates the dataset.</summary>
    public TinyDataset()
    {
        Write("SubA", "x1", seed: 1, shift: 20);
        Write("SubB", "y1", seed: 2, shift: -30);
    }

    void Write(string subset, string stem, int seed, int shift)
    {
        var dir = Path.Combine(Root, subset);
        foreach (var d in new[] { "composite_images", "masks", "real_images" }) Directory.CreateDirectory(Path.Combine(dir, d));
        var real = TestImages.Gradient(Size, Size, seed);
        ImageCodec.Write(real, Path.Combine(dir, "real_images", stem + ".png"));
        for (int k = 1; k <= Rectangles.Length; k++)
        {
            var mask = RectangleMask(Rectangles[k - 1]);
            ImageCodec.WriteMask(mask, Path.Combine(dir, "masks", $"{stem}_{k}.png"));
            var composite = TestImages.ShiftForeground(real, mask, shift * k, -shift, shift / 2);
            ImageCodec.Write(composite, Path.Combine(dir, "composite_images", $"{stem}_{k}_1.png"));
        }
    }

    /// <summary>A binary mask with the rectangle as foreground.</summary>
    public static Mask RectangleMask((int X, int Y, int W, int H) r)
    {
        var a = new float[Size * Size];
        for (int y = r.Y; y < r.Y + r.H; y++)
            for (int x = r.X; x < r.X + r.W; x++)
                a[y * Size + x] = 1f;
        return new Mask(Size, Size, a);
    }

    /// <inheritdoc />
    public void Dispose() => folder.Dispose();
}
