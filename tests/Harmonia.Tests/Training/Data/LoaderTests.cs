using Harmonia.Core.Randomness;
using Harmonia.Core.Datasets;
using Harmonia.Training.Contracts;
using Harmonia.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Training.Data;

public class LoaderTests
{
    static List<float[][]> Snapshot(IEnumerable<HarmonizationBatch> batches)
    {
        var result = new List<float[][]>();
        foreach (var b in batches)
            using (b)
                result.Add([b.Composite.data<float>().ToArray(), b.Mask.data<float>().ToArray(), b.Real.data<float>().ToArray()]);
        return result;
    }

    [Fact]
    public void Same_seed_gives_identical_batches_and_epochs_differ()
    {
        using var s = TrainingScratch.WithLayout(12, 32, 48);
        var options = new LoaderOptions { Size = 32, BatchSize = 4, Seed = 7, MaxScale = 1.3, Workers = 2, Prefetch = 3 };
        var a = Snapshot(HarmonizationLoader.Open(s.Data, null, options).Epoch(1));
        // Different worker/prefetch settings must not change the result: only (seed, epoch, index) matter.
        var b = Snapshot(HarmonizationLoader.Open(s.Data, null, options with { Workers = 1, Prefetch = 1 }).Epoch(1));
        var other = Snapshot(HarmonizationLoader.Open(s.Data, null, options).Epoch(2));
        Assert.Equal(3, a.Count);
        for (int i = 0; i < a.Count; i++)
            for (int t = 0; t < 3; t++)
                Assert.Equal(a[i][t], b[i][t]);
        Assert.NotEqual(a[0][0], other[0][0]);
    }

    [Fact]
    public void Resume_from_a_batch_index_serves_the_same_batches()
    {
        using var s = TrainingScratch.WithLayout(12, 32, 40);
        var loader = HarmonizationLoader.Open(s.Data, null, new LoaderOptions { Size = 32, BatchSize = 4, Seed = 3 });
        var full = Snapshot(loader.Epoch(0));
        var tail = Snapshot(loader.Epoch(0, 1));
        Assert.Equal(2, tail.Count);
        Assert.Equal(full[1][0], tail[0][0]);
        Assert.Equal(full[2][2], tail[1][2]);
    }

    [Fact]
    public void Crop_and_flip_keep_composite_mask_and_real_aligned()
    {
        // 32x48 with Size 32: no resampling, a random vertical crop and random flips, so alignment is exact.
        using var s = TrainingScratch.WithLayout(8, 32, 48);
        var loader = HarmonizationLoader.Open(s.Data, null, new LoaderOptions { Size = 32, BatchSize = 8, Seed = 11, FlipProbability = 0.5 });
        using var batch = loader.Epoch(0).First();
        var comp = batch.Composite.data<float>().ToArray();
        var mask = batch.Mask.data<float>().ToArray();
        var real = batch.Real.data<float>().ToArray();
        int plane = 32 * 32, flipped = 0, foreground = 0;
        for (int n = 0; n < 8; n++)
        {
            int c0 = n * 3 * plane, m0 = n * plane;
            for (int p = 0; p < plane; p++)
            {
                // The composite's blue channel encodes the mask; R/G equal the real image's off the foreground.
                Assert.Equal(mask[m0 + p], comp[c0 + 2 * plane + p]);
                if (mask[m0 + p] == 0)
                {
                    Assert.Equal(real[c0 + p], comp[c0 + p]);
                    Assert.Equal(real[c0 + plane + p], comp[c0 + plane + p]);
                }
                foreground += (int)mask[m0 + p];
            }
            // The real image's red channel is a left-to-right ramp: decreasing along x means the sample was flipped.
            if (real[c0 + 31] < real[c0]) flipped++;
            // Green is a top-to-bottom ramp, still increasing after crop and flip.
            Assert.True(real[c0 + plane + 31 * 32] > real[c0 + plane]);
        }
        Assert.InRange(flipped, 1, 7);
        Assert.True(foreground > 0);
    }

    [Fact]
    public void Batches_have_the_contract_shapes_ranges_and_labels()
    {
        using var s = TrainingScratch.WithLayout(10, 40, 30);
        var names = IHarmony4Layout.Read(s.Data, null).Select(x => Path.GetFileName(x.CompositePath)).ToList();
        File.WriteAllLines(Path.Combine(s.Data, SemanticLabels.FileName), [SemanticLabels.FormatLine(names[0], SemanticClass.Animal)]);
        var loader = HarmonizationLoader.Open(s.Data, "test", LoaderOptions.Validation(size: 24, batchSize: 4));
        Assert.Equal(2, loader.SampleCount); // samples 4 and 9 are in the test list
        var batches = loader.Epoch(0).ToList();
        Assert.Single(batches);
        using var b = batches[0];
        Assert.Equal(new long[] { 2, 3, 24, 24 }, b.Composite.shape);
        Assert.Equal(new long[] { 2, 1, 24, 24 }, b.Mask.shape);
        Assert.Equal(new long[] { 2, 3, 24, 24 }, b.Real.shape);
        Assert.Equal(ScalarType.Float32, b.Composite.dtype);
        Assert.Equal(ScalarType.Int64, b.Labels.dtype);
        Assert.True(b.Composite.min().item<float>() >= 0 && b.Composite.max().item<float>() <= 1);
        Assert.True(b.Mask.eq(0).logical_or(b.Mask.eq(1)).all().item<bool>());
        Assert.Equal(["s00004_1_1", "s00009_1_1"], b.Names);
        Assert.Equal(new long[] { 4, 4 }, b.Labels.data<long>().ToArray());

        var train = HarmonizationLoader.Open(s.Data, null, LoaderOptions.Validation(size: 24, batchSize: 4));
        var labelled = train.Epoch(0).ToList();
        Assert.Equal(3, labelled.Count); // 10 samples, batch 4, last partial batch kept
        Assert.Equal((long)SemanticClass.Animal, labelled[0].Labels.data<long>()[0]);
        foreach (var x in labelled) x.Dispose();
    }

    [Fact]
    public void Foreground_preserving_crop_keeps_most_of_the_foreground()
    {
        // A 32x200 strip whose foreground lies in rows 150..169: a uniform random crop of 32 rows would miss it most of the time.
        var binary = new byte[32 * 200];
        for (int y = 150; y < 170; y++) for (int x = 0; x < 32; x++) binary[y * 32 + x] = 1;
        var options = new LoaderOptions { Size = 32, CropAttempts = 20, MinForegroundKept = 0.5 };
        int kept = 0;
        for (int i = 0; i < 50; i++)
        {
            var (_, y0) = SampleAugmenter.ChooseCrop(binary, 32, 200, options, SeededRandom.FromValues(i));
            int rows = Math.Max(0, Math.Min(y0 + 32, 170) - Math.Max(y0, 150));
            if (rows >= 10) kept++;
        }
        Assert.True(kept >= 45, $"only {kept}/50 crops kept half the foreground");
    }
}
