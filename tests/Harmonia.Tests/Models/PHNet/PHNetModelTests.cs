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
        using var model = new PHNetModel(PHNetConfig.Scaled(8, PHNetOutput.Sigmoid));
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
    public void Fresh_residual_network_is_the_identity_and_learns_away_from_it()
    {
        TorchRuntime.EnsureAvailable();
        using var scope = NewDisposeScope();
        manual_seed(2);
        using var model = new PHNetModel(PHNetConfig.Scaled(8));
        Assert.Equal(PHNetOutput.Residual, model.Config.Output);
        model.train();
        var image = rand(2, 3, 32, 48);
        var mask = zeros(2, 1, 32, 48);
        mask[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(8, 24), TensorIndex.Slice(8, 30)] = tensor(1f);
        var output = model.forward(image, mask);
        Assert.Equal(0f, (output - image).abs().max().item<float>());
        // One gradient step on a darkening target must move the output: the zeroed layer still gets a gradient.
        var loss = (output - image * 0.5f).square().mean();
        loss.backward();
        var last = model.named_parameters().Single(p => p.name == "decoder.5.0.bias").parameter;
        Assert.True(last.grad!.abs().sum().item<float>() > 0);
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
        Assert.Equal(new long[] { 16, 32, 3, 3 }, model.state_dict()["skip.5.0.weight"].shape);   // an im2col layer, same name
        Assert.DoesNotContain("skip.5.0.bias", names);
        Assert.Equal(new long[] { 1, 16, 5, 5 }, model.state_dict()["normalizers.2.grid_weights"].shape);
    }
}
