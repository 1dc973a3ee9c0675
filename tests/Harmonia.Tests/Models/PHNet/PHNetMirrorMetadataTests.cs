using Harmonia.Core.Imaging;
using Harmonia.Core.Methods;
using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using Harmonia.Models.Weights;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PHNet;

/// <summary>Mirror averaging is an inference choice stored with the weights; an explicit setting overrides it.</summary>
public class PHNetMirrorMetadataTests
{
    static byte[] Harmonize(string path, bool? mirror)
    {
        var (image, mask) = FullResolutionTransferTests.TexturedComposite();
        using var harmonizer = new PHNetHarmonizer(path, workingSize: 64, mirrorAverage: mirror);
        return harmonizer.Harmonize(image, mask).Pixels;
    }

    [Fact]
    public void The_weights_metadata_switches_mirror_averaging_on_and_a_setting_overrides_it()
    {
        TorchRuntime.EnsureAvailable();
        var dir = Directory.CreateTempSubdirectory("harmonia-phnet-mirror-").FullName;
        try
        {
            manual_seed(4);
            using var model = new PHNetModel(PHNetConfig.Scaled(8, PHNetOutput.Sigmoid));   // random, not mirror-symmetric
            var plain = Path.Combine(dir, "plain.safetensors");
            var mirrored = Path.Combine(dir, "mirrored.safetensors");
            StateDictIO.Save(model, plain, PHNetConfigMetadata.ToMetadata(model.Config));
            StateDictIO.Save(model, mirrored, new Dictionary<string, string>(PHNetConfigMetadata.ToMetadata(model.Config)) { [PHNetConfigMetadata.MirrorAverage] = "true" });

            var off = Harmonize(plain, null);
            var on = Harmonize(mirrored, null);
            Assert.NotEqual(off, on);                        // the metadata changed the result...
            Assert.Equal(on, Harmonize(plain, true));        // ...exactly as the explicit setting does
            Assert.Equal(off, Harmonize(mirrored, false));   // and the setting wins over the metadata
        }
        finally { Directory.Delete(dir, true); }
    }
}
