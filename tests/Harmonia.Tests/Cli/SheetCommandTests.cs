using Harmonia.Core.Imaging;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary><c>harmonia sheet</c> as a user runs it (child process: real exit codes and stderr).</summary>
public sealed class SheetCommandTests
{
    [Fact]
    public void Folder_mode_writes_a_sheet_with_a_column_per_method()
    {
        using var temp = new TempFolder();
        ImageCodec.Write(TestImages.Gradient(64, 48), temp.File("a.jpg"));
        ImageCodec.WriteMask(TestImages.Ellipse(64, 48), temp.File("a_mask.png"));
        var output = Path.Combine(temp.Path, "out", "sheet.png");
        var r = CliProcess.Run("sheet", temp.Path, "--methods", "reinhard,mkl", "--height", "32", "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("columns composite | mask outline | reinhard | mkl", r.StdOut);
        var sheet = ImageCodec.Read(output);
        // 4 slots of round(32·4/3) = 43 px, 3 gaps of 6, margins 2·8.
        Assert.Equal(2 * 8 + 4 * 43 + 3 * 6, sheet.Width);

        // --real: a_real.jpg is the pair's ground truth (a last column), not a composite without a mask.
        ImageCodec.Write(TestImages.Gradient(64, 48, seed: 5), temp.File("a_real.jpg"));
        var withReal = Path.Combine(temp.Path, "out", "real.png");
        r = CliProcess.Run("sheet", temp.Path, "--methods", "reinhard", "--real", "--height", "32", "-o", withReal);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("1 rows; columns composite | mask outline | reinhard | real", r.StdOut);
        Assert.Equal(2 * 8 + 4 * 43 + 3 * 6, ImageCodec.Read(withReal).Width);
    }

    [Fact]
    public void Column_specs_add_the_same_method_with_other_settings()
    {
        using var temp = new TempFolder();
        ImageCodec.Write(TestImages.Gradient(64, 48), temp.File("a.jpg"));
        ImageCodec.WriteMask(TestImages.Ellipse(64, 48), temp.File("a_mask.png"));
        var output = temp.File("sheet.png");
        var r = CliProcess.Run("sheet", temp.Path, "--methods", "statistics", "--column", "statistics grid=1", "--column", "statistics grid=2 local-weight=1",
            "--height", "32", "-o", output);
        Assert.True(r.ExitCode == 0, r.StdErr);
        Assert.Contains("columns composite | mask outline | statistics | statistics grid=1 | statistics grid=2 local-weight=1", r.StdOut);
        Assert.Equal(2 * 8 + 5 * 43 + 4 * 6, ImageCodec.Read(output).Width);

        // The settings reach the method: the global-only column differs from the local-only one (whole column strips).
        var sheet = ImageCodec.Read(output);
        const int slot = 43 + 6;
        static long Strip(RgbImage img, int x0)
        {
            long sum = 0;
            for (int y = 0; y < img.Height; y++)
                for (int x = x0; x < x0 + 43; x++) sum += img.Pixels[(y * img.Width + x) * 3 + 2];
            return sum;
        }
        Assert.NotEqual(Strip(sheet, 8 + 3 * slot), Strip(sheet, 8 + 4 * slot));
        Assert.NotEqual(Strip(sheet, 8 + 2 * slot), Strip(sheet, 8 + 3 * slot));
    }

    [Theory]
    [InlineData(2, "sheet", "--list", "l.txt", "--column", "statistics", "-o", "x.png")]            // --column without settings
    [InlineData(2, "sheet", "--list", "l.txt", "--column", "statistics nope=1", "-o", "x.png")]     // unknown setting
    [InlineData(2, "sheet", "-o", "x.png")]                                          // neither folder nor --list
    [InlineData(2, "sheet", "--list", "l.txt", "-o", "x.txt")]                       // unwritable format
    [InlineData(2, "sheet", "--list", "l.txt", "--methods", "nope", "-o", "x.png")]  // unknown method
    [InlineData(2, "sheet", "--list", "l.txt", "--model", "s2crnet", "-o", "x.png")] // --model without =FILE
    [InlineData(1, "sheet", "--list", "missing-list.txt", "-o", "x.png")]            // missing list file
    public void Bad_input_is_one_line_and_no_output(int exitCode, params string[] args)
    {
        using var temp = new TempFolder();
        var full = args.Select(a => a.EndsWith(".png") || a.EndsWith(".txt") ? temp.File(a) : a).ToArray();
        var r = CliProcess.Run(full);
        Assert.Equal(exitCode, r.ExitCode);
        Assert.Single(r.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(temp.File("x.png")));
    }
}
