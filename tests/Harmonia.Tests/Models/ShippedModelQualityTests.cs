using Harmonia.Core.Imaging;
using Harmonia.Core.Metrics;
using Harmonia.Core.Pipeline;
using Harmonia.Models;
using Harmonia.Models.Runtime;
using Harmonia.Tests.Support;
using Xunit.Abstractions;

namespace Harmonia.Tests.Models;

/// <summary>
/// The weights Harmonia ships do their job: on every example composite with a ground truth (examples/*_real.jpg), each
/// shipped learned method lowers the foreground MSE by at least the stated margin. Random or broken weights fail.
/// </summary>
public sealed class ShippedModelQualityTests(ITestOutputHelper output)
{
    /// <summary>Each shipped model must remove at least this fraction of the composite's foreground MSE on each example.</summary>
    const double RequiredReduction = 0.30;

    public static TheoryData<string> ShippedMethods => new() { "s2crnet", "phnet" };

    [Theory]
    [MemberData(nameof(ShippedMethods))]
    public void Shipped_weights_lower_the_foreground_error_of_every_example(string method)
    {
        TorchRuntime.EnsureAvailable();
        var examples = Directory.GetFiles(Path.Combine(SharedData.RepoRoot, "examples"), "*_real.jpg").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(examples);
        var harmonizer = MethodCatalog.CreateDefault().Create(method);
        try
        {
            foreach (var realPath in examples)
            {
                var stem = Path.GetFileName(realPath)[..^"_real.jpg".Length];
                var dir = Path.GetDirectoryName(realPath)!;
                var (composite, mask) = FileHarmonizer.Load(Path.Combine(dir, stem + "_composite.jpg"), Path.Combine(dir, stem + "_mask.png"), 0.5f);
                var real = ImageCodec.Read(realPath);
                var result = harmonizer.Harmonize(composite, mask);
                double before = Fmse(composite, real, mask), after = Fmse(result, real, mask);
                output.WriteLine($"{method} {stem}: fMSE {before:F1} -> {after:F1} ({100 * (1 - after / before):F0} % lower)");
                Assert.True(after <= (1 - RequiredReduction) * before,
                    $"{method} on {stem}: fMSE {after:F1} vs composite {before:F1}; required at most {(1 - RequiredReduction) * before:F1}.");
            }
        }
        finally
        {
            (harmonizer as IDisposable)?.Dispose();
        }
    }

    static double Fmse(RgbImage image, RgbImage real, Mask mask)
    {
        var fg = mask.ToBinary();
        var (_, foreground) = PixelErrors.SquaredErrors(image, real, fg);
        return foreground / (3.0 * fg.Count(b => b != 0));
    }
}
