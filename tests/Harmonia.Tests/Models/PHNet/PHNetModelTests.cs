using Harmonia.Models.PHNet;
using Harmonia.Models.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Harmonia.Tests.Models.PHNet;

public class PHNetModelTests
{
    [Fact]
    public void Forward_keeps_a_non_square_size_and_background_is_bit_identical()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new PHNetModel(PHNetConfig.Scaled(8));
        model.eval();
        var image = rand(2, 3, 40, 72);
        var mask = zeros(2, 1, 40, 72);
        mask[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(8, 30), TensorIndex.Slice(20, 50)] = tensor(1f);
        using var _ = no_grad();
        var raw = model.forward(image, mask);
        Assert.Equal(new long[] { 2, 3, 40, 72 }, raw.shape);
        var blended = model.Harmonize(image, mask);
        var bg = (1 - mask).expand_as(image).to_type(ScalarType.Bool);
        Assert.True(blended.masked_select(bg).eq(image.masked_select(bg)).all().item<bool>());
        Assert.True((blended - image).abs().sum().item<float>() > 0);   // the foreground did change
        model.UseFeatureExtractor = false;
        Assert.Equal(new long[] { 2, 3, 40, 72 }, model.forward(image, mask).shape);
    }

    [Fact]
    public void State_dict_uses_the_official_names()
    {
        TorchRuntime.EnsureAvailable();
        using var model = new PHNetModel(PHNetConfig.Official);
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var n in new[]
                 {
                     "encoder.0.0.weight", "encoder.5.0.bias", "decoder.0.1.running_mean", "decoder.5.0.weight",
                     "skip.0.0.weight", "SE_block.fc.0.weight", "SE_block.fc.2.bias", "normalizers.2.grid_weights",
                     "normalizers.0.fg_var", "feature_extractor.patch_harmonizer.grid_weights", "feature_extractor.head.0.weight",
                 })
            Assert.Contains(n, names);
        Assert.Equal(new long[] { 512, 1024, 3, 3 }, model.state_dict()["skip.0.0.weight"].shape);
        Assert.Equal(new long[] { 1, 16, 5, 5 }, model.state_dict()["normalizers.2.grid_weights"].shape);
    }
}
