using Harmonia.Tests.Training;
using Harmonia.Cli;

namespace Harmonia.Tests.Cli;

public class TrainCommandTests
{
    [Fact]
    public void Train_channel_gain_runs_end_to_end_and_bad_input_exits_non_zero()
    {
        using var s = TrainingScratch.WithLayout(10, 32, 32);
        var output = s.Path_("run");
        string[] common = ["train", "channel-gain", "--data", s.Data, "--out", output, "--size", "32", "--batch-size", "4", "--threads", "1", "--no-adv"];
        Assert.Equal(0, HarmoniaCli.Run([.. common, "--steps", "3", "--init-gain", "1.2"]));
        Assert.True(File.Exists(Path.Combine(output, "generator.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "checkpoint-last.safetensors")));
        Assert.True(File.Exists(Path.Combine(output, "val.csv")));
        // Resume to 4 steps in total.
        Assert.Equal(0, HarmoniaCli.Run([.. common, "--steps", "4", "--resume"]));
        Assert.Equal("4", File.ReadAllLines(Path.Combine(output, "log.csv"))[^1].Split(',')[0]);

        // Starting again in a folder that holds a run is refused unless --resume or --overwrite.
        Assert.Equal(2, HarmoniaCli.Run([.. common, "--steps", "2"]));
        Assert.Equal(0, HarmoniaCli.Run([.. common, "--steps", "2", "--overwrite"]));
        Assert.Equal("2", File.ReadAllLines(Path.Combine(output, "log.csv"))[^1].Split(',')[0]);

        Assert.Equal(1, HarmoniaCli.Run(["train", "channel-gain", "--data", s.Path_("missing"), "--out", output]));
        Assert.Equal(2, HarmoniaCli.Run([.. common, "--optimizer", "nope"]));
        Assert.Equal(2, HarmoniaCli.Run([.. common, "--geometry", "fisheye"]));
        Assert.Equal(2, HarmoniaCli.Run(["train", "no-such-method", "--data", s.Data]));
    }

    [Theory]
    [InlineData("--harm-weight", "-1")]
    [InlineData("--harm-weight", "NaN")]
    [InlineData("--feature-dropout", "0.95")]
    public void Train_s2crnet_cached_refuses_a_bad_weight_before_building_any_cache(string option, string value)
    {
        using var s = TrainingScratch.WithLayout(4, 32, 32);
        var cache = s.Path_("cache");
        var r = Harmonia.Tests.Support.CliProcess.Run("train", "s2crnet-cached", "--data", s.Data, "--out", s.Path_("run"), "--backbone", "none",
            "--size", "32", "--cache", cache, option, value);
        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(option + " must be in", line);
        Assert.False(Directory.Exists(cache));
        Assert.False(Directory.Exists(s.Path_("run")));
    }

    [Fact]
    public void Train_pih_brings_its_own_discriminator_so_the_trainer_adds_none()
    {
        using var s = TrainingScratch.WithLayout(6, 32, 32);
        var output = s.Path_("pih");
        // No --no-adv: PIH's registration turns the trainer's patch discriminator off (its checkpoint has none).
        Assert.Equal(0, HarmoniaCli.Run(["train", "pih", "--data", s.Data, "--out", output, "--size", "32", "--batch-size", "2", "--threads", "1",
            "--steps", "2", "--unsupervised-ratio", "0", "--persons", "none", "--input-size", "32", "--gain-size", "16"]));
        Assert.False(HasTrainerDiscriminator(output));
        // A method without its own adversary keeps the trainer's.
        Assert.Equal(0, HarmoniaCli.Run(["train", "channel-gain", "--data", s.Data, "--out", s.Path_("cg"), "--size", "32", "--batch-size", "2", "--threads", "1", "--steps", "1"]));
        Assert.True(HasTrainerDiscriminator(s.Path_("cg")));
    }

    static bool HasTrainerDiscriminator(string run)
    {
        var tensors = Harmonia.Models.Weights.SafeTensors.Read(Path.Combine(run, "checkpoint-last.safetensors"), out _);
        bool has = tensors.Keys.Any(k => k.StartsWith("discriminator.", StringComparison.Ordinal));
        foreach (var t in tensors.Values) t.Dispose();
        return has;
    }
}
