using System.Diagnostics;
using System.Security.Cryptography;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary>
/// The bad-input corpus of issue 16, rebuilt from tiny generated files and run through the real CLI: each case must
/// end with the documented exit code, exactly one stderr line and no stack trace, no output file, inputs unchanged,
/// and (for the header-only files declaring huge sizes) no decoding at all.
/// </summary>
public sealed class BadInputCorpusTests : IDisposable
{
    readonly TempFolder tmp = new();
    readonly string composite, mask, output;

    public BadInputCorpusTests()
    {
        var real = TestImages.Gradient(48, 40);
        var m = TestImages.Ellipse(48, 40);
        composite = tmp.File("c.png");
        mask = tmp.File("c_mask.png");
        output = tmp.File("out.png");
        ImageCodec.Write(TestImages.ShiftForeground(real, m, 40, -20, 10), composite);
        ImageCodec.WriteMask(m, mask);
    }

    public void Dispose() => tmp.Dispose();

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Runs harmonize and checks the promise: exit code, one stderr line with the fragment, no output, inputs unchanged.</summary>
    CliResult Refused(int exitCode, string fragment, params string[] args)
    {
        var inputs = Directory.GetFiles(tmp.Path).Where(f => new FileInfo(f).Length > 0).ToDictionary(f => f, Hash);
        var r = CliProcess.RunWithTimeout(60, ["harmonize", .. args]);
        Assert.True(exitCode == r.ExitCode, $"exit {r.ExitCode}, stderr: {r.StdErr}");
        var lines = r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one stderr line, got: {r.StdErr}");
        Assert.Contains(fragment, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unexpected failure", r.StdErr);
        Assert.DoesNotContain("   at ", r.StdErr);
        Assert.False(File.Exists(output), "an output file was written");
        foreach (var (path, hash) in inputs) Assert.True(hash == Hash(path), $"{path} changed");
        return r;
    }

    string Write(string name, byte[] bytes)
    {
        var path = tmp.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Kind, file name, what the line says (JPEG past 65500 px is refused by the decoder itself).</summary>
    public static TheoryData<string, string, string> HugeHeaders => new()
    {
        { "png-32768", "huge.png", "over the limit" },
        { "png-23171", "wrap.png", "over the limit" },
        { "gif-65535", "huge.gif", "over the limit" },
        { "bmp-30000x-30000", "huge.bmp", "over the limit" },
        { "jpeg-46341", "huge.jpg", "over the limit" },
        { "jpeg-65535x16384", "wide.jpg", "cannot read" },
    };

    byte[] HugeFile(string kind) => kind switch
    {
        "png-32768" => HostileFiles.HeaderOnlyPng(32768, 32768),
        "png-23171" => HostileFiles.HeaderOnlyPng(23171, 23171),
        "gif-65535" => HostileFiles.HeaderOnlyGif(65535, 65535),
        "bmp-30000x-30000" => HostileFiles.HeaderOnlyBmp(30000, -30000),
        "jpeg-46341" => HostileFiles.JpegWithPatchedSize(46341, 46341),
        "jpeg-65535x16384" => HostileFiles.JpegWithPatchedSize(65535, 16384),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void Huge_declared_size_is_refused_from_the_header_as_composite_and_as_mask(string kind, string name, string fragment)
    {
        var huge = Write(name, HugeFile(kind));
        Refused(1, fragment, huge, mask, "-o", output, "-m", "reinhard");
        Refused(1, fragment, composite, huge, "-o", output, "-m", "reinhard");
    }

    [Fact]
    public void Pixel_limit_is_overridable_and_checked()
    {
        Refused(1, "--max-pixels", composite, mask, "-o", output, "-m", "reinhard", "--max-pixels", "1000");
        Refused(2, "--max-pixels", composite, mask, "-o", output, "-m", "reinhard", "--max-pixels", "0");
        var ok = CliProcess.Run("harmonize", composite, mask, "-o", output, "-m", "reinhard", "--max-pixels", "1920");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
    }

    [Fact]
    public void Size_mismatch_is_found_before_decoding_a_huge_composite()
    {
        // 20000x20000 is within a raised limit, so only comparing headers first keeps the 1.6 GB decode from happening.
        var huge = Write("big.png", HostileFiles.HeaderOnlyPng(20000, 20000));
        var watch = Stopwatch.StartNew();
        Refused(1, "48x40", huge, mask, "-o", output, "-m", "reinhard", "--max-pixels", "400000000");
        Assert.True(watch.Elapsed.TotalSeconds < 30, $"took {watch.Elapsed.TotalSeconds:F1} s");
    }

    [SkippableFact]
    public void Named_pipe_and_devices_are_refused_without_hanging()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs mkfifo and /dev/zero");
        var fifo = tmp.File("pipe.png");
        using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        Skip.IfNot(File.Exists(fifo), "mkfifo failed");
        Refused(1, "not a regular file", fifo, mask, "-o", output, "-m", "reinhard");
        Refused(1, "not a regular file", composite, fifo, "-o", output, "-m", "reinhard");
        Refused(1, "not a regular file", "/dev/zero", mask, "-o", output, "-m", "reinhard");
        Refused(1, "not a regular file", composite, "/dev/urandom", "-o", output, "-m", "reinhard");
    }

    [Fact]
    public void Hostile_s2crnet_metadata_is_refused_before_building_the_network()
    {
        var weights = Write("w.safetensors", HostileFiles.SafeTensors(
            new Dictionary<string, string> { ["stages"] = "999999", ["levels"] = "64" }, ["fusion.cr1.weight"]));
        Refused(1, "stages", composite, mask, "-o", output, "-m", "s2crnet", "--model", weights);
        var levels = Write("l.safetensors", HostileFiles.SafeTensors(
            new Dictionary<string, string> { ["levels"] = "100000000" }, ["fusion.cr1.weight"]));
        Refused(1, "levels", composite, mask, "-o", output, "-m", "s2crnet", "--model", levels);
        var size = Write("s.safetensors", HostileFiles.SafeTensors(
            new Dictionary<string, string> { ["input_size"] = "1000000" }, ["fusion.cr1.weight"]));
        Refused(1, "input_size", composite, mask, "-o", output, "-m", "s2crnet", "--model", size);
    }

    [Fact]
    public void Hostile_phnet_metadata_and_shapes_are_refused_with_a_message()
    {
        var phnet = new Dictionary<string, string> { ["phnet.encoder_channels"] = "3,16,32,64,128,256,512" };
        var text = Write("a.safetensors", HostileFiles.SafeTensors(new Dictionary<string, string>(phnet) { ["phnet.working_size"] = "abc" }, ["x"]));
        Refused(1, "working_size", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={text}");
        var large = Write("b.safetensors", HostileFiles.SafeTensors(new Dictionary<string, string>(phnet) { ["phnet.working_size"] = "100000" }, ["x"]));
        Refused(1, "working_size", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={large}");
        var mirror = Write("m.safetensors", HostileFiles.SafeTensors(new Dictionary<string, string>(phnet) { ["phnet.mirror_average"] = "maybe" }, ["x"]));
        Refused(1, "mirror_average", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={mirror}");
        var channels = Write("c.safetensors", HostileFiles.SafeTensors(new Dictionary<string, string> { ["phnet.encoder_channels"] = "3,16,x,64" }, ["x"]));
        Refused(1, "encoder_channels", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={channels}");
        var wide = Write("d.safetensors", HostileFiles.SafeTensors(new Dictionary<string, string> { ["phnet.encoder_channels"] = "3,16,32,64,128,256,99999999" }, ["x"]));
        Refused(1, "encoder_channels", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={wide}");
        var numel = Write("e.safetensors", HostileFiles.SafeTensors(phnet, ["x"], "[4611686018427387904,4,0]"));
        Refused(1, "overflows", composite, mask, "-o", output, "-m", "phnet", "--set", $"model={numel}");
    }

    [SkippableFact]
    public void Output_through_a_linked_folder_onto_the_composite_is_refused()
    {
        var link = tmp.File("dl");
        try { Directory.CreateSymbolicLink(link, tmp.Path); }
        catch (IOException) { throw new SkipException("cannot create symbolic links here"); }
        catch (UnauthorizedAccessException) { throw new SkipException("cannot create symbolic links here"); }
        Refused(2, "overwrite an input", composite, mask, "-o", Path.Combine(link, "c.png"), "-m", "reinhard");
        Refused(2, "overwrite an input", composite, mask, "-o", Path.Combine(link, "c_mask.png"), "-m", "reinhard");
    }

    [Fact]
    public void Curves_out_onto_an_input_is_refused_and_written_only_after_the_image()
    {
        Refused(2, "overwrite an input", composite, mask, "-o", output, "--curves-out", composite, "-m", "s2crnet");
        Refused(2, "overwrite an input", composite, mask, "-o", output, "--curves-out", mask, "-m", "s2crnet");
        var curves = tmp.File("c.json");
        Refused(1, "cannot write", composite, mask, "-o", tmp.File("no-such-folder/out.png"), "--curves-out", curves, "-m", "s2crnet");
        Assert.False(File.Exists(curves), "the curves JSON was written although the image failed");
        var ok = CliProcess.Run("harmonize", composite, mask, "-o", output, "--curves-out", curves, "-m", "s2crnet");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        Assert.True(File.Exists(curves) && File.Exists(output));
    }

    [Fact]
    public void Phnet_working_size_never_exceeds_the_image()
    {
        // Before: --set size=4096 on a small image ran the network at 4096 px (over a minute, 11.5 GB).
        var r = CliProcess.RunWithTimeout(60, "harmonize", composite, mask, "-o", output, "-m", "phnet", "--set", "size=1024");
        Assert.True(r.ExitCode == 0, r.StdErr);
        File.Delete(output);
        Refused(2, "size", composite, mask, "-o", output, "-m", "phnet", "--set", "size=4096");
    }
}
