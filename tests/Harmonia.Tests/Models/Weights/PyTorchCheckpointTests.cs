using System.IO.Compression;
using Harmonia.Core.Errors;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;
using static Harmonia.Tests.Support.TorchSaveWriter;

namespace Harmonia.Tests.Models.Weights;

/// <summary>PyTorch <c>torch.save</c> files read directly: plain and nested state dicts, and hostile or foreign files.</summary>
public class PyTorchCheckpointTests
{
    static PyTorchCheckpointTests() => TorchRuntime.EnsureAvailable();

    static FloatTensor Values(params float[] v) => new([v.Length], v);

    [Fact]
    public void Plain_state_dict_reads_names_shapes_and_values()
    {
        using var folder = new TempFolder();
        var path = folder.File("plain.pth");
        Write(path, new Dict([("a.weight", new FloatTensor([2, 3], [1, 2, 3, 4, 5, 6])), ("a.bias", Values(-1, 0.5f))]));
        var tensors = PyTorchCheckpoint.ReadStateDict(path);
        Assert.Equal(["a.bias", "a.weight"], tensors.Keys.Order().ToArray());
        Assert.Equal(new long[] { 2, 3 }, tensors["a.weight"].shape);
        Assert.Equal(6f, tensors["a.weight"][1, 2].item<float>());
        Assert.Equal([-1f, 0.5f], tensors["a.bias"].data<float>().ToArray());
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void Training_checkpoint_takes_state_dict_strips_module_and_ignores_the_rest()
    {
        using var folder = new TempFolder();
        var path = folder.File("run.pth.tar");
        Write(path, new Dict(
        [
            ("epoch", 12),
            ("state_dict", new Dict([("module.conv.weight", Values(3, 4)), ("module.conv.bias", Values(7))])),
            ("optimizer", new Dict([("state", new Dict([("0", new Dict([("momentum_buffer", Values(9, 9))], Ordered: false))], Ordered: false)),
                                   ("lr", 1)], Ordered: false)),
        ], Ordered: false));
        var tensors = PyTorchCheckpoint.ReadStateDict(path);
        Assert.Equal(["conv.bias", "conv.weight"], tensors.Keys.Order().ToArray());   // no optimizer tensors, no prefix
        Assert.Equal([3f, 4f], tensors["conv.weight"].data<float>().ToArray());
        foreach (var t in tensors.Values) t.Dispose();
    }

    public static TheoryData<string, string> HostileFiles => new()
    {
        { "huge-shape", "declares 40,000,000,000 bytes" },
        { "shape-beyond-storage", "its storage is smaller" },
        { "overflowing-shape", "overflows" },
        { "no-state-dict", "holds no state dict (top-level keys: epoch, note)" },
        { "no-pickle", "has no data.pkl" },
        { "garbage-pickle", "its pickle could not be parsed" },
        { "truncated", "not a PyTorch checkpoint Harmonia can read" },
        { "not-zip", "is not a zip archive" },
    };

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void Hostile_or_foreign_file_is_one_clear_error_before_allocating(string kind, string expected)
    {
        using var folder = new TempFolder();
        var path = MakeHostile(folder, kind);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<HarmoniaException>(() => WeightsFile.Read(path, out _));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 64 << 20, "the reader allocated more than 64 MB for a tiny file");
    }

    /// <summary>The real CLI: a hostile .pth as --model is one line on stderr, exit 1, no output.</summary>
    [Fact]
    public void Cli_rejects_a_hostile_checkpoint_with_one_line()
    {
        using var folder = new TempFolder();
        var composite = folder.File("c.png");
        var mask = folder.File("m.png");
        Harmonia.Core.Imaging.ImageCodec.Write(TestImages.Gradient(40, 30), composite);
        Harmonia.Core.Imaging.ImageCodec.WriteMask(TestImages.Ellipse(40, 30), mask);
        var result = CliProcess.Run("harmonize", composite, mask, "-o", folder.File("out.png"), "--model", MakeHostile(folder, "huge-shape"));
        Assert.Equal(1, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("harmonia: ", lines[0]);
        Assert.Contains("declares 40,000,000,000 bytes", lines[0]);
        Assert.False(File.Exists(folder.File("out.png")));
    }

    static string MakeHostile(TempFolder folder, string kind)
    {
        var path = folder.File(kind + ".pth");
        switch (kind)
        {
            case "huge-shape": Write(path, new Dict([("w", new FloatTensor([100000, 100000], [1, 2]))])); break;
            case "shape-beyond-storage": Write(path, new Dict([("w", new FloatTensor([1000], [1, 2]))])); break;
            case "overflowing-shape": Write(path, new Dict([("w", new FloatTensor([int.MaxValue, int.MaxValue, int.MaxValue], [1]))])); break;
            case "no-state-dict": Write(path, new Dict([("epoch", 3), ("note", "hello")], Ordered: false)); break;
            case "no-pickle":
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create)) zip.CreateEntry("x/version");
                break;
            case "garbage-pickle":
                using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
                using (var s = zip.CreateEntry("x/data.pkl").Open()) s.Write([0x80, 0x02, 0xFF, 0x13, 0x37, (byte)'.']);
                break;
            case "truncated":
                Write(path, new Dict([("w", Values(1, 2, 3, 4))]));
                var bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                break;
            case "not-zip": File.WriteAllBytes(path, [0x80, 0x02, (byte)'}', (byte)'.']); break;   // a legacy (pre-1.6) torch.save pickle
        }
        return path;
    }
}
