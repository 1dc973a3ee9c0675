using System.Globalization;
using System.Text.Json;
using Harmonia.Cli;
using Harmonia.Cli.Commands;
using Harmonia.Core.Datasets;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Models;
using Harmonia.Tests.Evaluation;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary>Tests that redirect the process-global Console run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Console redirection";
}

/// <summary><c>harmonia eval</c> end to end, in process.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class EvalCommandTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var oldOut = Console.Out;
        var oldErr = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var code = HarmoniaCli.Run(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Theory]
    [InlineData("harmonia")]
    [InlineData("ihm4")]
    public void Composite_baseline_numbers_equal_direct_metrics(string protocolName)
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var json = temp.File("report.json");
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "composite", "--protocol", protocolName, "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);

        var protocol = MetricProtocols.Get(protocolName);
        var samples = IHarmony4Layout.Read(data.Root, "test");
        var direct = samples.Select(s => protocol.Score(ImageCodec.Read(s.CompositePath), ImageCodec.Read(s.RealPath!), ImageCodec.ReadMask(s.MaskPath))).ToList();

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(protocolName, root.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("method").ValueKind);
        Assert.Equal("test", root.GetProperty("split").GetString());
        Assert.Equal(0.5, root.GetProperty("maskThreshold").GetDouble());
        var jsonSamples = root.GetProperty("samples").EnumerateArray().ToList();
        Assert.Equal(6, jsonSamples.Count);
        for (int i = 0; i < 6; i++)
        {
            var c = jsonSamples[i].GetProperty("composite");
            Assert.Equal(direct[i].Mse, c.GetProperty("mse").GetDouble(), 9);
            Assert.Equal(direct[i].Psnr, c.GetProperty("psnr").GetDouble(), 9);
            Assert.Equal(direct[i].Fmse, c.GetProperty("fmse").GetDouble(), 9);
            Assert.Equal(direct[i].Ssim, c.GetProperty("ssim").GetDouble(), 9);
        }

        // Printed tables: each subset row carries n and the formatted means of its three samples.
        var lines = Lines(stdout);
        for (int s = 0; s < 2; s++)
        {
            var group = direct.Skip(3 * s).Take(3).ToList();
            var row = lines.First(l => l.Contains(s == 0 ? "SubA" : "SubB"));
            Assert.Contains(" 3 ", row);
            Assert.Contains(EvalCommand.Format("MSE", group.Average(g => g.Mse)), row);
            Assert.Contains(EvalCommand.Format("PSNR", group.Average(g => g.Psnr)), row);
            Assert.Contains(EvalCommand.Format("fMSE", group.Average(g => g.Fmse)), row);
            Assert.Contains(EvalCommand.Format("fPSNR", group.Average(g => g.Fpsnr)), row);
            Assert.Contains(EvalCommand.Format("SSIM", group.Average(g => g.Ssim)), row);
            Assert.Contains(EvalCommand.Format("fSSIM", group.Average(g => g.Fssim)), row);
        }
        var all = lines.First(l => l.Contains(" all "));
        Assert.Contains(EvalCommand.Format("MSE", direct.Average(g => g.Mse)), all);
        // Bucket rows: masks 1 (2%) of both subsets are the 0-5% bucket.
        var small = lines.First(l => l.Contains("0-5% composite"));
        Assert.Contains(EvalCommand.Format("fMSE", (direct[0].Fmse + direct[3].Fmse) / 2), small);
    }

    [Fact]
    public void Limit_and_split_all_select_samples()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var json = temp.File("r.json");
        var (code, _, stderr) = Run("eval", data.Root, "--method", "composite", "--split", "all", "--limit", "2", "--json", json);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(2, doc.RootElement.GetProperty("samples").GetArrayLength());
    }

    [Fact]
    public void A_named_split_reads_its_own_lists_and_an_unknown_one_is_a_usage_error()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        // Like scripts/novel-category-split.py: extra lists beside a subset's train/test lists.
        File.WriteAllLines(Path.Combine(data.Root, "SubA", "SubA_novel.txt"), ["x1_2_1.png", "x1_3_1.png"]);
        var json = temp.File("r.json");
        var (code, _, stderr) = Run("eval", data.Root, "--method", "composite", "--split", "novel", "--json", json);
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(File.ReadAllText(json)))
        {
            Assert.Equal(2, doc.RootElement.GetProperty("samples").GetArrayLength());
            Assert.Equal("novel", doc.RootElement.GetProperty("split").GetString());
        }
        var bad = Run("eval", data.Root, "--method", "composite", "--split", "../x");
        Assert.Equal(2, bad.Code);
        Assert.Single(Lines(bad.Err));
    }

    [SkippableFact]
    public void A_registered_method_gets_its_own_rows()
    {
        var first = MethodCatalog.CreateDefault().All.FirstOrDefault();
        Skip.If(first is null, "No method is registered in this build.");
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var json = temp.File("r.json");
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", first!.Name, "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Contains($"{first.Name}, protocol harmonia", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(first.Name, doc.RootElement.GetProperty("method").GetString());
        Assert.Equal(6, doc.RootElement.GetProperty("methodSummary").GetProperty("overall").GetProperty("count").GetInt32());
    }

    [Fact]
    public void Strength_scales_the_methods_change_and_is_recorded()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        double Fmse(string json) => JsonDocument.Parse(File.ReadAllText(json)).RootElement
            .GetProperty("methodSummary").GetProperty("overall").GetProperty("fmse").GetDouble();
        string composite = temp.File("c.json"), none = temp.File("s0.json"), half = temp.File("s05.json"), full = temp.File("s1.json");
        Assert.Equal(0, Run("eval", data.Root, "--method", "composite", "--json", composite).Code);
        Assert.Equal(0, Run("eval", data.Root, "--method", "reinhard", "--strength", "0", "--json", none).Code);
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "reinhard", "--strength", "0.5", "--json", half);
        Assert.True(code == 0, stderr);
        Assert.Contains("reinhard at strength 0.5, protocol harmonia", stdout);
        Assert.Equal(0, Run("eval", data.Root, "--method", "reinhard", "--json", full).Code);
        // Strength 0 scores the composite itself; at 0.5 the per-pixel error is that of the midpoint, so its mean cannot
        // exceed the larger of the two ends (a convex function of the strength), and it differs from both.
        var compositeFmse = JsonDocument.Parse(File.ReadAllText(composite)).RootElement.GetProperty("composite").GetProperty("overall").GetProperty("fmse").GetDouble();
        Assert.Equal(compositeFmse, Fmse(none), 6);
        Assert.NotEqual(Fmse(full), Fmse(half));
        Assert.NotEqual(compositeFmse, Fmse(half));
        Assert.True(Fmse(half) <= Math.Max(compositeFmse, Fmse(full)) + 1.0, $"{Fmse(half)} vs {compositeFmse} and {Fmse(full)}");
        Assert.Equal(0.5, JsonDocument.Parse(File.ReadAllText(half)).RootElement.GetProperty("strength").GetDouble(), 6);
        var bad = Run("eval", data.Root, "--method", "reinhard", "--strength", "1.5");
        Assert.Equal(2, bad.Code);
        Assert.Single(Lines(bad.Err));
    }

    [Fact]
    public void Missing_dataset_is_one_line_exit_1()
    {
        var (code, stdout, stderr) = Run("eval", "/nonexistent/harmonia-dataset", "--method", "composite");
        Assert.Equal(1, code);
        Assert.Single(Lines(stderr));
        Assert.Contains("not found", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Folder_that_is_not_a_layout_is_one_line_exit_1()
    {
        using var temp = new TempFolder();
        var (code, _, stderr) = Run("eval", temp.Path, "--method", "composite");
        Assert.Equal(1, code);
        Assert.Single(Lines(stderr));
        Assert.Contains("not an iHarmony4-layout dataset", stderr);
    }

    [Fact]
    public void Missing_real_images_is_one_line_exit_1()
    {
        using var data = new TinyDataset();
        File.Delete(Path.Combine(data.Root, "SubA", "real_images", "x1.png"));
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "composite");
        Assert.Equal(1, code);
        Assert.Single(Lines(stderr));
        Assert.Contains("eval needs real_images", stderr);
        Assert.Equal("", stdout);
    }

    [Theory]
    [InlineData("--protocol", "dovenet")]
    [InlineData("--split", "val")]
    [InlineData("--limit", "0")]
    [InlineData("--mask-threshold", "0")]
    public void Bad_options_are_one_line_exit_2(string option, string value)
    {
        using var data = new TinyDataset();
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "composite", option, value);
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
        Assert.Equal("", stdout);
    }

    [SkippableFact]
    public void Runs_on_the_shared_ihm4_samples_under_both_protocols()
    {
        var root = Path.Combine(SharedData.RequireDirectory("ihm4-samples"), "HFlickr");
        foreach (var protocol in new[] { "harmonia", "ihm4" })
        {
            var (code, stdout, stderr) = Run("eval", root, "--method", "composite", "--protocol", protocol, "--limit", "2");
            Assert.True(code == 0, stderr);
            Assert.Contains("HFlickr", stdout);
            Assert.Contains($"composite (no harmonization), protocol {protocol}", stdout);
        }
    }

    [Fact]
    public void Save_outputs_without_a_method_is_exit_2()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var (code, _, stderr) = Run("eval", data.Root, "--method", "composite", "--save-outputs", temp.Path);
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
    }

    [Fact]
    public void Unknown_method_is_exit_2()
    {
        using var data = new TinyDataset();
        var (code, _, stderr) = Run("eval", data.Root, "--method", "no-such-method");
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
        Assert.Contains("Unknown method", stderr);
    }

    [Fact]
    public void Format_uses_invariant_culture_and_marks_infinity()
    {
        Assert.Equal("inf", EvalCommand.Format("PSNR", double.PositiveInfinity));
        Assert.Equal("-", EvalCommand.Format("fMSE", double.NaN));
        Assert.Equal("0.1235", EvalCommand.Format("SSIM", 0.12345678));
        Assert.Equal(12.35.ToString("F2", CultureInfo.InvariantCulture), EvalCommand.Format("MSE", 12.345));
    }

    [Fact]
    public void Anchors_need_the_pctnet_protocol()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "composite", "--anchors", temp.Path);
        Assert.Equal(2, code);
        Assert.Single(Lines(stderr));
        Assert.Contains("--protocol pctnet", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Anchors_rows_are_printed_and_written_to_json()
    {
        using var data = new TinyDataset();
        using var temp = new TempFolder();
        var anchors = Directory.CreateDirectory(temp.File("anchors")).FullName;
        File.WriteAllText(Path.Combine(anchors, "evaluation_Peer.csv"),
            "Name,MSE,PSNR,fMSE,SE,SSIM,height,width,mask_area\nx1_2_1,1.5,46.4,77.25,0,0.99,32,32,100\n");
        var json = temp.File("r.json");
        var (code, stdout, stderr) = Run("eval", data.Root, "--method", "composite", "--protocol", "pctnet", "--anchors", anchors, "--json", json);
        Assert.True(code == 0, stderr);
        Assert.Contains("Matched 1 of 6 samples by name: SubA/x1_2_1.", stdout.Replace("\n", " "));
        Assert.Contains("77.25", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var a = doc.RootElement.GetProperty("anchors");
        Assert.Equal(1, a.GetProperty("matched").GetInt32());
        var peer = a.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("system").GetString() == "Peer");
        Assert.Equal(77.25, peer.GetProperty("fmse").GetDouble(), 9);
    }
}
