using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary>
/// Folder mode of <c>harmonia harmonize</c> with bad pairs among good ones: every failure names its input, the good
/// pairs still run, the exit code says whether anything failed, <c>--fail-fast</c> stops at the first failure.
/// </summary>
public sealed class FolderModeTests : IDisposable
{
    readonly TempFolder tmp = new();
    readonly string input, outDir;

    public FolderModeTests()
    {
        input = tmp.File("in");
        outDir = tmp.File("out");
        Directory.CreateDirectory(input);
        // Sorted order: a (good), b (huge header), c (corrupt), d (good).
        WritePair("a");
        File.WriteAllBytes(Path.Combine(input, "b.png"), HostileFiles.HeaderOnlyPng(32768, 32768));
        ImageCodec.WriteMask(TestImages.Ellipse(32, 24), Path.Combine(input, "b_mask.png"));
        File.WriteAllText(Path.Combine(input, "c.png"), "not an image");
        ImageCodec.WriteMask(TestImages.Ellipse(32, 24), Path.Combine(input, "c_mask.png"));
        WritePair("d");
    }

    void WritePair(string name)
    {
        var m = TestImages.Ellipse(32, 24);
        ImageCodec.Write(TestImages.ShiftForeground(TestImages.Gradient(32, 24), m, 30, -10, 5), Path.Combine(input, name + ".png"));
        ImageCodec.WriteMask(m, Path.Combine(input, name + "_mask.png"));
    }

    public void Dispose() => tmp.Dispose();

    static string[] ErrorLines(CliResult r) => r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Every_failure_names_its_input_and_the_good_pairs_still_run()
    {
        var r = CliProcess.Run("harmonize", input, "-o", outDir, "-m", "reinhard");
        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "a.png")) && File.Exists(Path.Combine(outDir, "d.png")), r.StdErr);
        Assert.False(File.Exists(Path.Combine(outDir, "b.png")) || File.Exists(Path.Combine(outDir, "c.png")));
        var errors = ErrorLines(r);
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, l => l.Contains("b.png", StringComparison.Ordinal) && l.Contains("over the limit", StringComparison.Ordinal));
        Assert.Contains(errors, l => l.Contains("c.png", StringComparison.Ordinal) && l.Contains("not a supported image", StringComparison.Ordinal));
        Assert.DoesNotContain("unexpected failure", r.StdErr);
        // The summary lists the failed files.
        Assert.Contains("failed input", r.StdOut);
        Assert.Contains("b.png", r.StdOut);
    }

    [Fact]
    public void Fail_fast_stops_at_the_first_failure()
    {
        var r = CliProcess.Run("harmonize", input, "-o", outDir, "-m", "reinhard", "--fail-fast");
        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "a.png")));
        Assert.False(File.Exists(Path.Combine(outDir, "d.png")), "a pair after the first failure ran");
        Assert.Single(ErrorLines(r));
    }

    [Fact]
    public void A_clean_folder_exits_zero_and_an_existing_file_as_output_folder_is_a_usage_error()
    {
        var clean = tmp.File("clean");
        Directory.CreateDirectory(clean);
        foreach (var f in new[] { "a.png", "a_mask.png" }) File.Copy(Path.Combine(input, f), Path.Combine(clean, f));
        var ok = CliProcess.Run("harmonize", clean, "-o", outDir, "-m", "reinhard");
        Assert.True(ok.ExitCode == 0, ok.StdErr);
        var file = tmp.File("file.txt");
        File.WriteAllText(file, "x");
        var r = CliProcess.Run("harmonize", clean, "-o", file, "-m", "reinhard");
        Assert.Equal(2, r.ExitCode);
        Assert.Single(ErrorLines(r));
        Assert.Equal("x", File.ReadAllText(file));
    }

    [SkippableFact]
    public void A_named_pipe_in_the_folder_fails_alone_without_hanging()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "needs mkfifo");
        var fifo = Path.Combine(input, "e.png");
        using (var mk = System.Diagnostics.Process.Start("mkfifo", [fifo])) mk.WaitForExit();
        ImageCodec.WriteMask(TestImages.Ellipse(32, 24), Path.Combine(input, "e_mask.png"));
        var r = CliProcess.RunWithTimeout(60, "harmonize", input, "-o", outDir, "-m", "reinhard");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(ErrorLines(r), l => l.Contains("e.png", StringComparison.Ordinal) && l.Contains("not a regular file", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(outDir, "d.png")));
    }

    [Fact]
    public void A_composite_named_like_a_mask_is_reported_not_silently_skipped()
    {
        var clean = tmp.File("masky");
        Directory.CreateDirectory(clean);
        foreach (var f in new[] { "a.png", "a_mask.png" }) File.Copy(Path.Combine(input, f), Path.Combine(clean, f));
        File.Copy(Path.Combine(input, "d.png"), Path.Combine(clean, "photo_mask.png"));
        var r = CliProcess.Run("harmonize", clean, "-o", outDir, "-m", "reinhard");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains(ErrorLines(r), l => l.Contains("photo_mask.png", StringComparison.Ordinal) && l.Contains("warning", StringComparison.Ordinal));
    }

    [Fact]
    public void IHarmony4_layout_with_a_missing_mask_fails_only_that_pair()
    {
        var root = tmp.File("ihm4");
        var sub = Path.Combine(root, "SubA");
        foreach (var d in new[] { "composite_images", "masks", "real_images" }) Directory.CreateDirectory(Path.Combine(sub, d));
        var m = TestImages.Ellipse(32, 24);
        var img = TestImages.ShiftForeground(TestImages.Gradient(32, 24), m, 30, -10, 5);
        ImageCodec.Write(img, Path.Combine(sub, "composite_images", "x_1_1.png"));
        ImageCodec.WriteMask(m, Path.Combine(sub, "masks", "x_1.png"));
        ImageCodec.Write(img, Path.Combine(sub, "composite_images", "x_2_1.png"));   // mask x_2 missing
        ImageCodec.Write(img, Path.Combine(sub, "composite_images", "y_1_1.png"));
        ImageCodec.WriteMask(m, Path.Combine(sub, "masks", "y_1.png"));
        var r = CliProcess.Run("harmonize", root, "-o", outDir, "-m", "reinhard");
        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(outDir, "SubA", "x_1_1.png")) && File.Exists(Path.Combine(outDir, "SubA", "y_1_1.png")), r.StdErr);
        var line = Assert.Single(ErrorLines(r));
        Assert.Contains("x_2_1.png", line);
    }
}
