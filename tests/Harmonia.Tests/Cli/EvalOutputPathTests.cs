using Harmonia.Tests.Evaluation;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary><c>harmonia eval</c> checks every path it will write before it runs (child process, as a user runs it).</summary>
public sealed class EvalOutputPathTests : IDisposable
{
    readonly TinyDataset data = new();
    readonly TempFolder tmp = new();

    public void Dispose()
    {
        data.Dispose();
        tmp.Dispose();
    }


    [Fact]
    public void Json_onto_the_list_file_is_refused_and_the_list_kept()
    {
        var list = Path.Combine(data.Root, "SubA", "SubA_test.txt");
        File.WriteAllLines(list, ["x1_1_1.png", "x1_2_1.png"]);
        CliAssert.OneLine(CliProcess.Run("eval", data.Root, "--method", "reinhard", "--json", list), 2, "dataset's files");
        Assert.Equal(["x1_1_1.png", "x1_2_1.png"], File.ReadAllLines(list));
    }

    [Fact]
    public void Save_outputs_onto_the_composites_is_refused_and_they_are_kept()
    {
        var composites = Path.Combine(data.Root, "SubA", "composite_images");
        var before = Directory.GetFiles(composites).ToDictionary(f => f, File.ReadAllBytes);
        // <root>/SubA/composite_images/.. : outputs <folder>/SubA/<name>.png; point folder so that lands on the composites.
        var link = tmp.File("trap");
        Directory.CreateDirectory(Path.Combine(link, "SubA"));
        Directory.Delete(Path.Combine(link, "SubA"));
        Directory.CreateSymbolicLink(Path.Combine(link, "SubA"), composites);
        var r = CliProcess.Run("eval", data.Root, "--method", "reinhard", "--split", "all", "--save-outputs", link);
        CliAssert.OneLine(r, 2, "overwrite");
        foreach (var (f, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(f));
    }

    [Fact]
    public void Unwritable_outputs_fail_with_one_line_before_any_work()
    {
        var file = tmp.File("a-file");
        File.WriteAllText(file, "x");
        CliAssert.OneLine(CliProcess.Run("eval", data.Root, "--method", "reinhard", "--split", "all", "--save-outputs", Path.Combine(file, "sub")), 1, "cannot save outputs");
        var both = tmp.File("o");
        var r = CliProcess.Run("eval", data.Root, "--method", "reinhard", "--split", "all", "--save-outputs", both, "--json", both);
        CliAssert.OneLine(r, 2, "folder");
        Assert.False(Directory.Exists(both) && Directory.GetFiles(both, "*.png", SearchOption.AllDirectories).Length > 0, "outputs were written");
    }
}
