using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Models.PixelNetworks;
using Harmonia.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Data;

/// <summary>
/// Train/serve parity of the pixel networks (phnet, contrastive, charmnet): a sample the loader prepares with the
/// <c>fit</c> geometry is exactly what the harmonizer hands its network for the same composite and mask.
/// </summary>
public class PixelNetworkInputParityTests
{
    const int Size = 64;

    /// <summary>What <see cref="WorkingImage.Run"/> passes to the network: image (3, H, W) and mask (H, W), planar.</summary>
    static (float[] Image, float[] Mask, int W, int H) InferenceInput(RgbImage composite, Mask mask)
    {
        var working = WorkingImage.Prepare(composite, mask, Size);
        float[]? image = null, binary = null;
        long[] shape = [];
        working.Run(8, (x, m) =>
        {
            image = x.data<float>().ToArray();
            binary = m.data<float>().ToArray();
            shape = x.shape;
            return x;
        });
        return (image!, binary!, (int)shape[3], (int)shape[2]);
    }

    [Theory]
    [InlineData(96, 80)]   // landscape: long side 96 → 64x53, padded to 64x56 at inference, 64x64 in training
    [InlineData(70, 120)]  // portrait
    public void A_fit_training_sample_equals_the_inference_input(int width, int height)
    {
        using var s = new TrainingScratch();
        SyntheticLayout.Write(s.Data, 5, width, height);
        var options = LoaderOptions.Validation(Size, batchSize: 4, LoaderGeometry.LongSideFit);
        using var batch = HarmonizationLoader.Open(s.Data, null, options).Epoch(0).First();
        var composite = batch.Composite.data<float>().ToArray();
        var mask = batch.Mask.data<float>().ToArray();
        var real = batch.Real.data<float>().ToArray();
        int plane = Size * Size, compared = 0, foreground = 0;
        var dir = Path.Combine(s.Data, SyntheticLayout.Subset);

        for (int n = 0; n < batch.Names.Count; n++)
        {
            var file = Directory.GetFiles(Path.Combine(dir, IHarmony4Layout.Composites)).Single(f => Path.GetFileNameWithoutExtension(f) == Path.GetFileNameWithoutExtension(batch.Names[n]));
            var stem = Path.GetFileNameWithoutExtension(file)[..^4];
            var compositeImage = ImageCodec.Read(file);
            var maskImage = ImageCodec.ReadMask(Path.Combine(dir, IHarmony4Layout.Masks, stem + "_1.png"));
            var realImage = ImageCodec.Read(Path.Combine(dir, IHarmony4Layout.Reals, stem + ".png"));
            var (image, binary, w, h) = InferenceInput(compositeImage, maskImage);
            var (target, _, _, _) = InferenceInput(realImage, maskImage);
            // The inference input is padded to a multiple of 8, the training sample to Size x Size: compare the
            // inference input's whole area (image and padding), which both lay out the same way.
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    Assert.Equal(binary[y * w + x], mask[n * plane + y * Size + x]);
                    foreground += (int)binary[y * w + x];
                    for (int c = 0; c < 3; c++)
                    {
                        Assert.Equal(image[(c * h + y) * w + x], composite[n * 3 * plane + c * plane + y * Size + x]);
                        Assert.Equal(target[(c * h + y) * w + x], real[n * 3 * plane + c * plane + y * Size + x]);
                    }
                    compared++;
                }
            // Training padding beyond the inference area is background, like the inference padding.
            for (int y = h; y < Size; y++)
                for (int x = 0; x < Size; x++)
                    Assert.Equal(0f, mask[n * plane + y * Size + x]);
        }
        int shortSide = (int)Math.Round(Size * (double)Math.Min(width, height) / Math.Max(width, height));
        Assert.Equal(batch.Names.Count * Size * ((shortSide + 7) / 8 * 8), compared);
        Assert.True(foreground > 0, "the samples have foreground");
    }

    [Fact]
    public void A_flipped_fit_sample_is_the_mirror_of_the_image_with_the_padding_kept_right()
    {
        var composite = new RgbImage(6, 3);
        for (int i = 0; i < composite.Pixels.Length; i++) composite.Pixels[i] = (byte)(i * 5);
        var mask = new Mask(6, 3, Enumerable.Range(0, 18).Select(i => i % 6 < 2 ? 1f : 0f).ToArray());
        var working = WorkingImage.Prepare(composite, mask, 6);
        var planar = new float[3 * 8 * 4];
        var planarMask = new float[8 * 4];
        working.WritePadded(8, 4, planar, planarMask, mirrored: true);
        // Row 0: source columns 5,4,3,2,1,0 then the edge (column 0) replicated twice; mask 1 only at source columns 0,1.
        Assert.Equal(composite.Pixels[(0 * 6 + 5) * 3] / 255f, planar[0], 6);
        Assert.Equal(composite.Pixels[(0 * 6 + 0) * 3] / 255f, planar[5], 6);
        Assert.Equal(composite.Pixels[(0 * 6 + 0) * 3] / 255f, planar[7], 6);
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 1, 0, 0 }, planarMask[..8]);
        Assert.Equal(new float[8], planarMask[24..]); // padded row
    }
}
