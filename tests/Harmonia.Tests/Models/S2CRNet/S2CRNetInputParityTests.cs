using Harmonia.Core.Datasets;
using Harmonia.Core.Pipeline;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Tests.Training;
using Harmonia.Training.Data;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.S2CRNet;

/// <summary>Training and inference prepare the encoder inputs by one implementation: a sample gives the same numbers both ways.</summary>
public sealed class S2CRNetInputParityTests
{
    [Fact]
    public void A_sample_prepared_for_training_equals_the_same_sample_prepared_for_inference()
    {
        TorchRuntime.EnsureAvailable();
        const int width = 40, height = 40, size = 32;
        using var scratch = TrainingScratch.WithLayout(4, width, height);
        var samples = IHarmony4Layout.Read(scratch.Data, null);
        // Square images at the loader size: no resampling and no crop, so the tensors hold the files' values.
        var loader = HarmonizationLoader.Open(scratch.Data, null, LoaderOptions.Validation(size: height, batchSize: samples.Count, geometry: LoaderGeometry.ShortSideCrop));
        using var batch = loader.Epoch(0).First();
        Assert.Equal(height, (int)batch.Composite.shape[2]);
        Assert.Equal(width, (int)batch.Composite.shape[3]);
        var (fg, bg) = S2CRNetInputs.FromBatch(batch.Composite, batch.Mask, size);
        using (fg)
        using (bg)
        {
            var trainFg = fg.data<float>().ToArray();
            var trainBg = bg.data<float>().ToArray();
            int plane = 3 * size * size;
            for (int i = 0; i < samples.Count; i++)
            {
                var sample = samples.Single(s => s.Name == batch.Names[i] || Path.GetFileNameWithoutExtension(s.CompositePath) == batch.Names[i]);
                var (composite, mask) = FileHarmonizer.Load(sample.CompositePath, sample.MaskPath, 0.5f);
                var inference = new float[2 * plane];
                S2CRNetInputs.Fill(composite, mask, size, inference);
                double maxFg = 0, maxBg = 0;
                for (int j = 0; j < plane; j++)
                {
                    maxFg = Math.Max(maxFg, Math.Abs(inference[j] - trainFg[i * plane + j]));
                    maxBg = Math.Max(maxBg, Math.Abs(inference[plane + j] - trainBg[i * plane + j]));
                }
                Assert.True(maxFg < 1e-6 && maxBg < 1e-6, $"sample {i}: max |Δ| fg {maxFg:E2}, bg {maxBg:E2}");
                // The inputs are not trivially zero: the foreground crop holds the object.
                Assert.True(inference.Take(plane).Max() > 0.05f);
            }
        }
    }
}
