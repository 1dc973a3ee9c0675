using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Core.Pipeline;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

public sealed class ShardTests
{
    [Fact]
    public void N_shards_hold_every_key_exactly_once_and_roughly_evenly()
    {
        var keys = Enumerable.Range(0, 3000).Select(i => $"sub{i % 7}/img_{i:D5}.jpg").ToList();
        foreach (int n in new[] { 1, 2, 3, 8 })
        {
            var counts = keys.ToDictionary(k => k, _ => 0);
            var sizes = new List<int>();
            for (int k = 0; k < n; k++)
            {
                var part = new Shard(k, n).Select(keys, x => x);
                sizes.Add(part.Count);
                foreach (var key in part) counts[key]++;
            }
            Assert.All(counts.Values, c => Assert.Equal(1, c));
            Assert.All(sizes, s => Assert.InRange(s, 3000 / n * 0.85, 3000 / n * 1.15));
        }
        // Stable across machines: a fixed key has a fixed hash.
        Assert.Equal(0xcbf29ce484222325UL, Shard.StableHash(""));
        Assert.Equal(Shard.StableHash("a/b.jpg"), Shard.StableHash("a/b.jpg"));
        Assert.True(new Shard(1, 2).Contains("a\\b.jpg") == new Shard(1, 2).Contains("a/b.jpg"));
        Assert.Throws<UsageException>(() => Shard.Parse("3/3"));
        Assert.Throws<UsageException>(() => Shard.Parse("-1/3"));
        Assert.Equal(new Shard(2, 5), Shard.Parse("2/5"));
    }

    [Fact]
    public void Harmonize_folder_shards_write_every_output_exactly_once()
    {
        using var input = new TempFolder();
        using var output = new TempFolder();
        var names = Enumerable.Range(0, 7).Select(i => $"p{i}").ToList();
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            var mask = TestImages.Ellipse(24, 16);
            ImageCodec.Write(TestImages.ShiftForeground(TestImages.Gradient(24, 16, i), mask, 30, 0, -20), input.File(name + ".png"));
            ImageCodec.WriteMask(mask, input.File(name + "_mask.png"));
        }
        var writtenBy = new Dictionary<string, int>();
        for (int k = 0; k < 3; k++)
        {
            var before = Directory.GetFiles(output.Path).ToHashSet();
            var result = CliProcess.Run("harmonize", input.Path, "-o", output.Path, "--method", "reinhard", "--shard", $"{k}/3");
            Assert.True(result.ExitCode == 0, result.StdErr);
            foreach (var f in Directory.GetFiles(output.Path).Where(f => !before.Contains(f)))
                writtenBy[Path.GetFileName(f)] = k;
        }
        Assert.Equal(names.Select(n => n + ".png").Order(), writtenBy.Keys.Order());
        foreach (var (file, k) in writtenBy) Assert.True(new Shard(k, 3).Contains(Path.GetFileNameWithoutExtension(file) + ".png"));
        var bad = CliProcess.Run("harmonize", input.Path, "-o", output.Path, "--shard", "3/3");
        Assert.Equal(2, bad.ExitCode);
    }
}
