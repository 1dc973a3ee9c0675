using System.Security.Cryptography;
using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary>End-to-end checks of <c>harmonia harmonize</c>, including every bad-input rule of the CLI.</summary>
public sealed class HarmonizeCommandTests : IDisposable
{
    readonly TempFolder tmp = new();
    readonly string composite, mask;

    public HarmonizeCommandTests()
    {
        var real = TestImages.Gradient(48, 40);
        var m = TestImages.Ellipse(48, 40);
        composite = tmp.File("c.png");
        mask = tmp.File("c_mask.png");
        ImageCodec.Write(TestImages.ShiftForeground(real, m, 40, -20, 10), composite);
        ImageCodec.WriteMask(m, mask);
    }

    public void Dispose() => tmp.Dispose();

    static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));


    [Fact]
    public void Pih_flags_write_its_parameters_and_render_edited_ones()
    {
        var predicted = tmp.File("pih.png");
        var curves = tmp.File("pih.json");
        var shading = tmp.File("pih-shading.png");
        var r = CliProcess.Run("harmonize", composite, mask, "-o", predicted, "-m", "pih", "--curves-out", curves, "--shading-out", shading);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(File.Exists(curves) && File.Exists(shading));
        // The written parameters read back as edits reproduce the prediction (the gain PNG holds 8 bits: within a level or two).
        var replayed = tmp.File("replayed.png");
        r = CliProcess.Run("harmonize", composite, mask, "-o", replayed, "-m", "pih", "--curves", curves, "--shading", shading);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var c = ImageCodec.Read(composite);
        var a = ImageCodec.Read(predicted);
        var b = ImageCodec.Read(replayed);
        Assert.True(a.Pixels.Zip(b.Pixels).Max(p => Math.Abs(p.First - p.Second)) <= 2);
        ImageAssert.BackgroundUnchanged(c, b, ImageCodec.ReadMask(mask));
        // An edited map is honoured: a flat gain of 0.5 (grey 128) halves the curves-alone foreground (numeric --shading 0).
        var curvesAlone = tmp.File("curves-alone.png");
        r = CliProcess.Run("harmonize", composite, mask, "-o", curvesAlone, "-m", "pih", "--curves", curves, "--shading", "0");
        Assert.True(r.ExitCode == 0, r.StdErr);
        var half = tmp.File("half.png");
        ImageCodec.WriteMask(Mask.Filled(8, 8, 128 / 255f), half);
        var halved = tmp.File("halved.png");
        r = CliProcess.Run("harmonize", composite, mask, "-o", halved, "-m", "pih", "--curves", curves, "--shading", half);
        Assert.True(r.ExitCode == 0, r.StdErr);
        var alone = ImageCodec.Read(curvesAlone);
        var dark = ImageCodec.Read(halved);
        var m = ImageCodec.ReadMask(mask);
        for (int i = 0; i < m.Alpha.Length; i++)
            if (m.Alpha[i] >= 1f)
                for (int ch = 0; ch < 3; ch++)
                    Assert.InRange(dark.Pixels[3 * i + ch], alone.Pixels[3 * i + ch] * 128 / 255 - 2, alone.Pixels[3 * i + ch] * 128 / 255 + 2);
        // Methods without those settings refuse the flags in one line.
        var refused = CliProcess.Run("harmonize", composite, mask, "-o", tmp.File("x.png"), "-m", "reinhard", "--shading-out", tmp.File("s.png"));
        CliAssert.OneLine(refused, 2, "shading-out");
    }

    [Fact]
    public void Harmonizes_and_keeps_background_bit_identical_and_inputs_untouched()
    {
        var before = (Hash(composite), Hash(mask));
        var output = tmp.File("out.png");
        var r = CliProcess.Run("harmonize", composite, mask, "-o", output, "--method", "reinhard");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Equal(before, (Hash(composite), Hash(mask)));
        var c = ImageCodec.Read(composite);
        var o = ImageCodec.Read(output);
        var m = ImageCodec.ReadMask(mask);
        ImageAssert.BackgroundUnchanged(c, o, m);
        int changed = 0;
        for (int i = 0; i < m.Alpha.Length; i++)
            for (int k = 0; k < 3; k++)
                if (m.Alpha[i] != 0f && c.Pixels[3 * i + k] != o.Pixels[3 * i + k]) changed++;
        Assert.True(changed > 100, $"only {changed} foreground values changed");
    }

    [Fact]
    public void Learned_method_runs_keep_their_output_lines_and_exit_codes()
    {
        // Once TorchSharp is loaded the process ends without libtorch's teardown (Cli/Infrastructure/ProcessEnd):
        // what it printed, the exit code and the written file must all be there.
        var output = tmp.File("learned.png");
        var r = CliProcess.Run("harmonize", composite, mask, "-o", output, "-m", "phnet");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.StartsWith("Wrote ", r.StdOut.Trim());
        Assert.Equal((48, 40), ImageCodec.ReadSize(output));
        var bad = tmp.File("bad.safetensors");
        File.WriteAllBytes(bad, new byte[16]);
        var failed = tmp.File("failed.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, mask, "-o", failed, "-m", "phnet", "--model", bad), 1, "bad.safetensors");
        Assert.False(File.Exists(failed));
    }

    [Fact]
    public void Missing_composite_fails_with_one_line_and_no_output()
    {
        var output = tmp.File("out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", tmp.File("nope.jpg"), mask, "-o", output), 1, "not found");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Corrupt_or_non_image_input_fails_cleanly()
    {
        var bad = tmp.File("bad.jpg");
        File.WriteAllText(bad, "this is text, not a JPEG");
        var output = tmp.File("out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", bad, mask, "-o", output), 1, "not a supported image");
        var truncated = tmp.File("trunc.png");
        var bytes = File.ReadAllBytes(composite);
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        CliAssert.OneLine(CliProcess.Run("harmonize", truncated, mask, "-o", output), 1, "cannot read");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Size_mismatch_fails_cleanly()
    {
        var small = tmp.File("small_mask.png");
        ImageCodec.WriteMask(TestImages.Ellipse(20, 20), small);
        var output = tmp.File("out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, small, "-o", output), 1, "20x20");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Empty_mask_warns_and_outputs_the_composite()
    {
        var empty = tmp.File("empty_mask.png");
        ImageCodec.WriteMask(Mask.Filled(48, 40, 0f), empty);
        var output = tmp.File("out.png");
        var r = CliProcess.Run("harmonize", composite, empty, "-o", output, "--method", "reinhard");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning", r.StdErr);
        Assert.True(ImageCodec.Read(composite).ContentEquals(ImageCodec.Read(output)));
    }

    [Fact]
    public void Full_mask_fails_cleanly()
    {
        var full = tmp.File("full_mask.png");
        ImageCodec.WriteMask(Mask.Filled(48, 40, 1f), full);
        var output = tmp.File("out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, full, "-o", output, "--method", "reinhard"), 1, "no background");
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Unwritable_output_fails_without_partial_files()
    {
        var output = Path.Combine(tmp.Path, "no-such-folder", "out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, mask, "-o", output, "--method", "reinhard"), 1, "cannot write");
        Assert.Equal(2, Directory.GetFiles(tmp.Path).Length);
    }

    [Fact]
    public void Output_over_an_input_is_refused_and_the_input_kept()
    {
        var before = Hash(composite);
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, mask, "-o", composite, "--method", "reinhard"), 2, "overwrite");
        Assert.Equal(before, Hash(composite));
    }

    [Theory]
    [InlineData("--method", "no-such-method", "unknown method")]
    [InlineData("--bogus-option", "1", "bogus")]
    [InlineData("--strength", "1.5", "strength")]
    [InlineData("--mask-threshold", "0", "threshold")]
    [InlineData("--set", "nokey", "key=value")]
    public void Usage_errors_exit_2(string option, string value, string fragment)
    {
        var output = tmp.File("out.png");
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, mask, "-o", output, option, value), 2, fragment);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Unsupported_output_format_is_a_usage_error()
    {
        CliAssert.OneLine(CliProcess.Run("harmonize", composite, mask, "-o", tmp.File("out.tiff")), 2, "format");
    }

    [Fact]
    public void Folder_mode_harmonizes_every_pair_and_resumes()
    {
        var input = Path.Combine(tmp.Path, "in");
        var outDir = Path.Combine(tmp.Path, "out");
        Directory.CreateDirectory(input);
        File.Copy(composite, Path.Combine(input, "a.png"));
        File.Copy(mask, Path.Combine(input, "a_mask.png"));
        File.Copy(composite, Path.Combine(input, "b_composite.png"));
        File.Copy(mask, Path.Combine(input, "b_mask.png"));
        var r = CliProcess.Run("harmonize", input, "-o", outDir, "--method", "reinhard");
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.True(File.Exists(Path.Combine(outDir, "a.png")));
        Assert.True(File.Exists(Path.Combine(outDir, "b.png")));
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(outDir, "a.png"));
        var again = CliProcess.Run("harmonize", input, "-o", outDir, "--method", "reinhard", "--skip-existing");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(outDir, "a.png")));
    }
}
