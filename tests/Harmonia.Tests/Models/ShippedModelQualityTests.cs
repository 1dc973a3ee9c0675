using Harmonia.Core.Methods;
using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Core.Pipeline;
using Harmonia.Data.Perturbations;
using Harmonia.Core.Randomness;
using Harmonia.Models;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;
using Xunit.Abstractions;

namespace Harmonia.Tests.Models;

/// <summary>
/// The weights Harmonia ships do their job: on composites made from the examples' ground truths (examples/*_real.jpg
/// with their masks) by seeded draws of the training data's camera-cast family (<see cref="CastFamily"/>: exposure,
/// white balance, tone response, black level), each shipped learned method lowers the summed foreground MSE by at
/// least the stated margin. Untrained heads start at the identity (0 % lower), so random or broken weights fail.
/// The examples' own composites are printed too. The README's first example (the dandelion: an exposure and
/// white-balance gap) must be fixed by the default method; the hand-made colour casts of the dog and the drum are
/// not yet (closing notes of issue 10).
/// </summary>
public sealed class ShippedModelQualityTests(ITestOutputHelper output)
{
    /// <summary>Each shipped model must remove at least this fraction of the casts' mean foreground MSE.</summary>
    const double RequiredReduction = 0.20;

    /// <summary>Cast draws per example.</summary>
    const int Draws = 8;

    /// <summary>The default method must remove at least this fraction of the README example's foreground MSE.</summary>
    const double ReadmeExampleReduction = 0.40;

    public static TheoryData<string> ShippedMethods => new() { "s2crnet", "phnet", "charmnet", "cascade" };

    [Theory]
    [MemberData(nameof(ShippedMethods))]
    public void Shipped_weights_lower_the_foreground_error_of_camera_cast_composites(string method)
    {
        TorchRuntime.EnsureAvailable();
        var examples = Directory.GetFiles(Path.Combine(SharedData.RepoRoot, "examples"), "*_real.jpg").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(examples);
        var harmonizer = MethodCatalog.CreateDefault().Create(method);
        try
        {
            double before = 0, after = 0;
            foreach (var realPath in examples)
            {
                var stem = Path.GetFileName(realPath)[..^"_real.jpg".Length];
                var dir = Path.GetDirectoryName(realPath)!;
                var (composite, mask) = FileHarmonizer.Load(Path.Combine(dir, stem + "_composite.jpg"), Path.Combine(dir, stem + "_mask.png"), 0.5f);
                var real = ImageCodec.Read(realPath);
                output.WriteLine($"{method} {stem} (example composite): fMSE {ImageAssert.ForegroundMse(composite, real, mask):F1} -> {ImageAssert.ForegroundMse(harmonizer.Harmonize(composite, mask), real, mask):F1}");
                for (int i = 0; i < Draws; i++)
                {
                    var casted = new CastFamily().Sample(new PerturbationContext(real, mask, null, null, stem, "other"),
                        SeededRandom.FromKey(7, stem, i.ToString(System.Globalization.CultureInfo.InvariantCulture))).Image;
                    double b = ImageAssert.ForegroundMse(casted, real, mask), a = ImageAssert.ForegroundMse(harmonizer.Harmonize(casted, mask), real, mask);
                    output.WriteLine($"{method} {stem} cast {i}: fMSE {b:F1} -> {a:F1}");
                    before += b;
                    after += a;
                }
            }
            output.WriteLine($"{method}: mean fMSE {before / (examples.Count * Draws):F1} -> {after / (examples.Count * Draws):F1} ({100 * (1 - after / before):F0} % lower)");
            Assert.True(after <= (1 - RequiredReduction) * before, $"{method}: summed fMSE {after:F1} vs casts {before:F1}; required at most {(1 - RequiredReduction) * before:F1}.");
        }
        finally
        {
            (harmonizer as IDisposable)?.Dispose();
        }
    }

    [Fact]
    public void The_default_method_fixes_the_readme_example()
    {
        TorchRuntime.EnsureAvailable();
        var dir = Path.Combine(SharedData.RepoRoot, "examples");
        var (composite, mask) = FileHarmonizer.Load(Path.Combine(dir, "dandelion_composite.jpg"), Path.Combine(dir, "dandelion_mask.png"), 0.5f);
        var real = ImageCodec.Read(Path.Combine(dir, "dandelion_real.jpg"));
        var harmonizer = MethodCatalog.CreateDefault().Create(MethodCatalog.DefaultMethod);
        try
        {
            var result = harmonizer.Harmonize(composite, mask);
            double before = ImageAssert.ForegroundMse(composite, real, mask), after = ImageAssert.ForegroundMse(result, real, mask);
            output.WriteLine($"{MethodCatalog.DefaultMethod} dandelion: fMSE {before:F1} -> {after:F1} ({100 * (1 - after / before):F0} % lower)");
            Assert.True(after <= (1 - ReadmeExampleReduction) * before,
                $"{MethodCatalog.DefaultMethod}: dandelion fMSE {after:F1} vs composite {before:F1}; required at most {(1 - ReadmeExampleReduction) * before:F1}.");
        }
        finally
        {
            (harmonizer as IDisposable)?.Dispose();
        }
    }
}
