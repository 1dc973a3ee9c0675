namespace Harmonia.Tests.Models.Runtime;

/// <summary>
/// Guards the Scalar workaround (Models/Runtime/README.md): Models and Training must not hand TorchSharp a temporary
/// Scalar: no number converted to a Scalar on the spot and no addition with TorchSharp's hidden alpha of 1. Use
/// <c>TorchScalars.Of(1)</c> (constants), a <c>CachedScalar</c> (values that change per step), <c>a.Plus(b)</c>.
/// </summary>
public class ImplicitScalarTests
{
    [Theory]
    [InlineData("src/Harmonia.Models", "Harmonia.Models")]
    [InlineData("src/Harmonia.Training", "Harmonia.Training")]
    public void Project_hands_TorchSharp_no_temporary_Scalar(string folder, string assembly)
    {
        var findings = ScalarConversionScanner.ScanProject(Path.Combine(ScalarConversionScanner.RepositoryRoot(), folder), assembly);
        Assert.True(findings.Count == 0,
            $"{findings.Count} temporary Scalar(s) in {folder}: use TorchScalars.Of(x) or a CachedScalar for numbers, " +
            "a.Plus(b) / add(x, TorchScalars.One) for additions (TorchSharp's hidden alpha):\n" + string.Join('\n', findings));
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
                static Tensor Cached(Tensor x) => x.mul(TorchScalars.Of(0.5)).add(x, TorchScalars.Of(1)).Plus(x).sub(x) - x;
                static double NotAScalar(double v) => 1 - v;
                static Tensor HiddenAlpha(Tensor x, Tensor y) => (x + y).add(x).add_(TorchScalars.Of(2));
            }
            """;
        var findings = ScalarConversionScanner.Scan([("Snippet.cs", source)], "Snippet");
        Assert.Equal(["1", "0", "1", "gain", "0.5.ToScalar()"], findings.Where(f => !f.HiddenAlpha).Select(f => f.Expression));
        Assert.Equal([6, 7, 7, 8, 9], findings.Where(f => !f.HiddenAlpha).Select(f => f.Line));
        Assert.Equal(["(x + y).add(x)", "(x + y).add(x).add_(TorchScalars.Of(2))", "x + y"], findings.Where(f => f.HiddenAlpha).Select(f => f.Expression).Order(StringComparer.Ordinal));
        Assert.All(findings.Where(f => f.HiddenAlpha), f => Assert.Equal(12, f.Line));
    }
}
