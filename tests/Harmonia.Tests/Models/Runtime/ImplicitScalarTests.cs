namespace Harmonia.Tests.Models.Runtime;

/// <summary>
/// Guards the Scalar workaround (Models/Runtime/README.md): Models and Training must not hand TorchSharp a temporary
/// Scalar. Use <c>TorchScalars.Of(1)</c> (constants) or a <c>CachedScalar</c> (values that change per step).
/// </summary>
public class ImplicitScalarTests
{
    [Theory]
    [InlineData("src/Harmonia.Models", "Harmonia.Models")]
    [InlineData("src/Harmonia.Training", "Harmonia.Training")]
    public void Project_hands_TorchSharp_no_temporary_Scalar(string folder, string assembly)
    {
        var all = ScalarConversionScanner.ScanProject(Path.Combine(ScalarConversionScanner.RepositoryRoot(), folder), assembly);
        var findings = all.Where(f => !f.HiddenAlpha).ToList();
        Console.WriteLine($"HIDDEN-ALPHA {folder}: {all.Count(f => f.HiddenAlpha)}\n" + string.Join('\n', all.Where(f => f.HiddenAlpha)));
        Assert.True(findings.Count == 0,
            $"{findings.Count} temporary Scalar(s) in {folder} (use TorchScalars.Of / CachedScalar):\n" + string.Join('\n', findings));
    }

    [Fact]
    public void Scanner_finds_implicit_conversions_and_ToScalar_and_accepts_cached_scalars()
    {
        const string source = """
            using TorchSharp;
            using Harmonia.Models.Runtime;
            using static TorchSharp.torch;
            static class Snippet
            {
                static Tensor Inverse(Tensor mask) => 1 - mask;
                static Tensor Clamped(Tensor x) => x.clamp(0, 1);
                static Tensor Scaled(Tensor x, float gain) => x * gain;
                static Tensor Explicit(Tensor x) => x.mul(0.5.ToScalar());
                static Tensor Cached(Tensor x) => x.mul(TorchScalars.Of(0.5)).add(x, TorchScalars.Of(1));
                static double NotAScalar(double v) => 1 - v;
            }
            """;
        var findings = ScalarConversionScanner.Scan([("Snippet.cs", source)], "Snippet");
        Assert.Equal(["1", "0", "1", "gain", "0.5.ToScalar()"], findings.Select(f => f.Expression));
        Assert.Equal([6, 7, 7, 8, 9], findings.Select(f => f.Line));
    }
}
