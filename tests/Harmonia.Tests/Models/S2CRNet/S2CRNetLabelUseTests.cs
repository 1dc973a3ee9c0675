using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Imaging;
using Harmonia.Models.Runtime;
using Harmonia.Models.S2CRNet;
using Harmonia.Models.Weights;
using Harmonia.Tests.Support;
using TorchSharp;

namespace Harmonia.Tests.Models.S2CRNet;

/// <summary>
/// How a label is used follows the loaded model: official heads (no metadata) make it optional, a label-free model
/// warns that it ignores one, a label-trained model refuses to run without one.
/// </summary>
public class S2CRNetLabelUseTests
{
    static S2CRNetLabelUseTests() => TorchRuntime.EnsureAvailable();

    static Dictionary<string, long[]> OfficialShapes(bool plain, bool labelled)
    {
        using var model = new S2CRNetModel(new S2CRNetConfig(Stages: 2, Activation: CurveActivation.Identity));
        return model.state_dict()
            .Where(kv => (plain || !kv.Key.Contains(".fc_f_1.")) && (labelled || !kv.Key.Contains("label")))
            .ToDictionary(kv => kv.Key, kv => kv.Value.shape);
    }

    [Fact]
    public void Label_use_is_read_from_the_official_head_names_when_there_is_no_metadata()
    {
        var none = new Dictionary<string, string>();
        Assert.Equal(LabelUse.Optional, S2CRNetWeights.ConfigFrom(none, OfficialShapes(plain: true, labelled: true)).Labels);
        Assert.Equal(LabelUse.Required, S2CRNetWeights.ConfigFrom(none, OfficialShapes(plain: false, labelled: true)).Labels);
        Assert.Equal(LabelUse.None, S2CRNetWeights.ConfigFrom(none, OfficialShapes(plain: true, labelled: false)).Labels);
        // Harmonia metadata decides for Harmonia files (both heads are stored, only one was trained).
        var semantic = new Dictionary<string, string> { ["semantic"] = "true" };
        Assert.Equal(LabelUse.Required, S2CRNetWeights.ConfigFrom(semantic, OfficialShapes(true, true)).Labels);
        var plainMeta = new Dictionary<string, string> { ["semantic"] = "false" };
        Assert.Equal(LabelUse.None, S2CRNetWeights.ConfigFrom(plainMeta, OfficialShapes(true, true)).Labels);
    }

    [Fact]
    public void Optional_label_changes_the_curves_and_no_label_runs_the_plain_head()
    {
        torch.manual_seed(5);
        var image = TestImages.Gradient(48, 40, seed: 2);
        var mask = TestImages.Ellipse(48, 40);
        float[] Curves(SemanticClass? label)
        {
            torch.manual_seed(5);
            var model = new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, Activation: CurveActivation.Identity, InputSize: 64) { Labels = LabelUse.Optional });
            using var harmonizer = new S2CRNetHarmonizer(model, label);
            return harmonizer.PredictCurves(image, mask).Parameters.ToArray();
        }
        var plain = Curves(null);
        var person = Curves(SemanticClass.Person);
        var animal = Curves(SemanticClass.Animal);
        Assert.True(plain.Zip(person).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
        Assert.True(person.Zip(animal).Max(p => Math.Abs(p.First - p.Second)) > 1e-3);
    }

    [Fact]
    public void A_label_trained_model_without_a_label_is_a_usage_error_and_a_label_free_one_warns()
    {
        var required = new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, Semantic: true, InputSize: 64));
        var e = Assert.Throws<UsageException>(() => new S2CRNetHarmonizer(required, null));
        Assert.Contains("pass --label", e.Message);
        required.Dispose();
        using var free = new S2CRNetHarmonizer(new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, InputSize: 64)), SemanticClass.Food);
        Assert.Equal(["--label food is ignored: this S2CRNet model has no semantic head (it was trained without labels)"], free.SetupWarnings);
        using var quiet = new S2CRNetHarmonizer(new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, InputSize: 64)));
        Assert.Empty(quiet.SetupWarnings);
    }

    /// <summary>The real CLI: one warning line for an unusable label, exit 2 and one line for a missing needed label; a
    /// Harmonia weights file given without --method picks its own method.</summary>
    [Fact]
    public void Cli_says_so_in_one_line()
    {
        using var folder = new TempFolder();
        var composite = folder.File("c.png");
        var mask = folder.File("m.png");
        ImageCodec.Write(TestImages.Gradient(40, 30), composite);
        ImageCodec.WriteMask(TestImages.Ellipse(40, 30), mask);
        var labelled = folder.File("labelled.safetensors");
        using (var model = new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, Semantic: true, InputSize: 64)))
            StateDictIO.Save(model, labelled, S2CRNetWeights.Metadata(model.Config));
        var plain = folder.File("plain.safetensors");
        using (var model = new S2CRNetModel(new S2CRNetConfig(Stages: 1, Levels: 16, InputSize: 64)))
            StateDictIO.Save(model, plain, S2CRNetWeights.Metadata(model.Config));

        // No --method: the weights file's metadata names s2crnet, whatever the default method is.
        var missing = CliProcess.Run("harmonize", composite, mask, "-o", folder.File("a.png"), "--model", labelled);
        Assert.Equal(2, missing.ExitCode);
        Assert.Equal("harmonia: This S2CRNet model was trained with foreground labels: pass --label person|animal|food|vehicle|other.", missing.StdErr.Trim());
        Assert.False(File.Exists(folder.File("a.png")));

        var ignored = CliProcess.Run("harmonize", composite, mask, "-o", folder.File("b.png"), "-m", "s2crnet", "--model", plain, "--label", "vehicle");
        Assert.Equal(0, ignored.ExitCode);
        Assert.Equal("harmonia: warning: --label vehicle is ignored: this S2CRNet model has no semantic head (it was trained without labels).", ignored.StdErr.Trim());
        Assert.True(File.Exists(folder.File("b.png")));
    }
}
