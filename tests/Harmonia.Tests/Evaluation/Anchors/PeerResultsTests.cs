using Harmonia.Core.Errors;
using Harmonia.Core.Metrics;
using Harmonia.Evaluation;
using Harmonia.Evaluation.Anchors;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Evaluation.Anchors;

/// <summary>Reading peers' per-image CSVs (PCT-Net's format) and matching them to an evaluation.</summary>
public sealed class PeerResultsTests
{
    const string Header = "Name,MSE,PSNR,fMSE,SE,SSIM,height,width,mask_area";

    [Fact]
    public void Reads_pctnet_csvs_including_tensor_cells_and_jpg_names()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("evaluation_DCCF.csv"),
            Header + "\nx1_1_1,2.5,44.1,100.5,1,\"tensor(0.9939, device='cuda:0')\",32,32,20.0\nzz_9_9,1,1,1,1,1,1,1,1\n");
        File.WriteAllText(temp.File("evaluation_composite.csv"), Header + "\r\nx1_1_1.jpg,5,40,200,1,0.95,32,32,20.0\r\n");
        var peers = PeerResults.ReadFolder(temp.Path, new HashSet<string> { "x1_1_1" });
        Assert.Equal(["composite", "DCCF"], peers.Select(p => p.System));
        var dccf = peers[1].Rows["x1_1_1"];
        Assert.Equal(0.9939, dccf.Ssim, 12);
        Assert.Equal(100.5, dccf.Fmse, 12);
        Assert.Equal(32, dccf.Width);
        Assert.Single(peers[1].Rows);                         // zz_9_9 is not asked for
        Assert.Equal(200, peers[0].Rows["x1_1_1"].Fmse);      // ".jpg" stripped
    }

    [Fact]
    public void A_csv_without_a_required_column_is_a_clear_error()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.File("evaluation_x.csv"), "Name,MSE,PSNR\nx1_1_1,1,2\n");
        var e = Assert.Throws<HarmoniaException>(() => PeerResults.ReadFolder(temp.Path, new HashSet<string>()));
        Assert.Contains("no 'fMSE' column", e.Message);
        Assert.Throws<HarmoniaException>(() => PeerResults.ReadFolder(temp.File("missing"), new HashSet<string>()));
    }

    [Fact]
    public void Comparison_averages_exactly_the_samples_every_csv_covers()
    {
        using var data = new TinyDataset();
        var samples = Harmonia.Core.Datasets.IHarmony4Layout.Read(data.Root, split: null);
        var report = DatasetEvaluator.Run(samples, null, null, new EvaluationOptions(MetricProtocols.PctNet));
        using var temp = new TempFolder();
        // Peer A covers x1_1_1, x1_2_1 and y1_1_1; peer B x1_1_1 and x1_2_1; y1_2_1 has a wrong size in both.
        File.WriteAllText(temp.File("evaluation_A.csv"), Header + "\nx1_1_1,1,50,10,0,0.9,32,32,1\nx1_2_1,3,40,30,0,0.7,32,32,1\ny1_1_1,9,9,9,0,0.1,32,32,1\ny1_2_1,1,1,1,0,1,16,32,1\n");
        File.WriteAllText(temp.File("evaluation_B.csv"), Header + "\nx1_1_1,2,20,20,0,0.5,32,32,1\nx1_2_1,4,30,40,0,0.6,32,32,1\ny1_2_1,1,1,1,0,1,16,32,1\n");
        var peers = PeerResults.ReadFolder(temp.Path, samples.Select(s => s.Name).ToHashSet());
        var c = PeerComparison.Build(report, peers, temp.Path);
        Assert.Equal(2, c.Matched);
        Assert.Equal(["SubA/x1_1_1", "SubA/x1_2_1"], c.MatchedNames);
        Assert.Equal(["SubB/y1_2_1"], c.SizeMismatches);
        var a = c.Rows.Single(r => r.System == "A");
        Assert.Equal(20, a.Fmse, 12);                          // (10 + 30) / 2
        Assert.Equal(0.8, a.Ssim, 12);
        var composite = c.Rows.Single(r => r.Source == PeerComparison.HarmoniaSource);
        var expected = report.Samples.Where(s => s.Name is "x1_1_1" or "x1_2_1").Average(s => s.Composite.Fmse);
        Assert.Equal(expected, composite.Fmse, 9);
        Assert.Null(c.CompositeFmseMaxRelativeDifference);     // no CSV named composite
    }
}
