using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace Harmonia.Tests.Models.Runtime;

/// <summary>
/// Compiles C# sources with Roslyn against the test's own references and lists every place that hands TorchSharp a
/// temporary <c>Scalar</c>: a user-defined conversion to <c>TorchSharp.Scalar</c>, implicit or cast (<c>1 - mask</c>,
/// <c>t.clamp(0, 1)</c>, <c>t * 255</c>) or a <c>ToScalar()</c> call outside <c>Models/Runtime</c>. Such a Scalar is
/// unreachable while libtorch reads it, so a collection started by another thread can finalize it mid-call
/// (<c>Models/Runtime/README.md</c>).
/// </summary>
static class ScalarConversionScanner
{
    /// <summary>One finding: file (relative to the scanned root), 1-based line, the expression, whether it is a hidden alpha, and its span.</summary>
    public sealed record Finding(string File, int Line, string Expression, bool HiddenAlpha = false, TextSpan Span = default)
    {
        public override string ToString() => $"{File}:{Line}: {Expression}";
    }

    static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    /// <summary>The repository root (the folder holding Harmonia.sln), found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Harmonia.sln"))) return dir.FullName;
        throw new InvalidOperationException("Harmonia.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Scans every .cs file of a project folder (bin/obj excluded), compiled as assembly <paramref name="assemblyName"/>.</summary>
    public static IReadOnlyList<Finding> ScanProject(string projectFolder, string assemblyName)
    {
        var files = Directory.EnumerateFiles(projectFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(projectFolder, f)))
            .Select(f => (Path: Path.GetRelativePath(projectFolder, f), Text: File.ReadAllText(f)));
        return Scan(files, assemblyName);
    }

    /// <summary>Scans the given sources, compiled together as one assembly named <paramref name="assemblyName"/>.</summary>
    public static IReadOnlyList<Finding> Scan(IEnumerable<(string Path, string Text)> sources, string assemblyName)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var globals = string.Join('\n', ImplicitUsings.Select(u => $"global using global::{u};"));
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, options, s.Path))
            .Append(CSharpSyntaxTree.ParseText(globals, options, "GlobalUsings.g.cs"))
            .ToList();
        var compilation = CSharpCompilation.Create(assemblyName, trees, References(assemblyName),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("The scanned sources do not compile, so conversions cannot be resolved:\n" + string.Join('\n', errors));

        var findings = new List<Finding>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            bool inRuntime = tree.FilePath.Replace('\\', '/').StartsWith("Runtime/", StringComparison.Ordinal);
            var flagged = new HashSet<TextSpan>();
            var alphas = new HashSet<TextSpan>();
            // Conversions of operator operands and arguments show up in the operation tree of each body.
            foreach (var root in tree.GetRoot().DescendantNodes().Where(IsBodyRoot))
            {
                if (model.GetOperation(root) is not { } body) continue;
                foreach (var op in body.DescendantsAndSelf())
                {
                    if (op is IConversionOperation { Conversion.IsUserDefined: true } c && IsScalar(c.Conversion.MethodSymbol?.ReturnType))
                        flagged.Add(c.Operand.Syntax.Span);
                    // TorchSharp 0.107's Tensor operators with a number operand (t * 255, 1 - mask) convert it inside.
                    if (NumberOperand(op) is { } number) flagged.Add(number.Syntax.Span);
                    if (HasHiddenAlpha(op)) alphas.Add(op.Syntax.Span);
                }
            }
            foreach (var expression in tree.GetRoot().DescendantNodes().OfType<ExpressionSyntax>())
            {
                var conversion = model.GetConversion(expression);
                if ((conversion.IsUserDefined && IsScalar(conversion.MethodSymbol?.ReturnType)) || (!inRuntime && IsToScalarCall(model, expression)))
                    flagged.Add(expression.Span);
            }
            var root0 = tree.GetRoot();
            findings.AddRange(flagged.OrderBy(s => s.Start).Select(span => new Finding(tree.FilePath,
                tree.GetLineSpan(span).StartLinePosition.Line + 1, root0.FindNode(span, getInnermostNodeForTie: true).ToString())));
            findings.AddRange(alphas.Except(flagged).OrderBy(s => s.Start).Select(span => new Finding(tree.FilePath,
                tree.GetLineSpan(span).StartLinePosition.Line + 1, root0.FindNode(span, getInnermostNodeForTie: true).ToString(), HiddenAlpha: true, Span: span)));
        }
        return findings;
    }

    // Syntax whose operation holds a whole body: methods, constructors, operators, accessors, expression bodies, initializers.
    static bool IsBodyRoot(SyntaxNode node) =>
        node is BaseMethodDeclarationSyntax or AccessorDeclarationSyntax ||
        (node is ArrowExpressionClauseSyntax && node.Parent is BasePropertyDeclarationSyntax) ||
        (node is EqualsValueClauseSyntax && node.Parent is VariableDeclaratorSyntax { Parent.Parent: FieldDeclarationSyntax } or PropertyDeclarationSyntax);

    static IOperation? NumberOperand(IOperation op)
    {
        var (method, left, right) = op switch
        {
            IBinaryOperation b => (b.OperatorMethod, b.LeftOperand, b.RightOperand),
            ICompoundAssignmentOperation a => (a.OperatorMethod, a.Target, a.Value),
            _ => (null, null, null),
        };
        if (method is not { ContainingType: { Name: "Tensor" } owner } || !IsTorchSharp(owner) || method.Parameters.Length != 2) return null;
        return IsNumber(method.Parameters[0].Type) ? left : IsNumber(method.Parameters[1].Type) ? right : null;
    }

    // Tensor + Tensor, Tensor + Scalar and add/add_ without an alpha: TorchSharp 0.107 passes a temporary alpha of 1
    // (sub has no alpha there).
    static bool HasHiddenAlpha(IOperation op) => op switch
    {
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: { } m } =>
            IsTorchSharp(m.ContainingType) && m.ContainingType.Name == "Tensor" && !m.Parameters.Any(p => IsNumber(p.Type)),
        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: { } m } =>
            IsTorchSharp(m.ContainingType) && m.ContainingType.Name == "Tensor" && !m.Parameters.Any(p => IsNumber(p.Type)),
        IInvocationOperation { TargetMethod: { Name: "add" or "add_" } m } =>
            IsTorchSharp(m.ContainingType) && !m.Parameters.Any(p => p.Name == "alpha"),
        _ => false,
    };

    static bool IsNumber(ITypeSymbol type) =>
        type.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Single or SpecialType.System_Double;

    static bool IsTorchSharp(ITypeSymbol type)
    {
        var ns = type.ContainingNamespace;
        while (ns is { ContainingNamespace.IsGlobalNamespace: false }) ns = ns.ContainingNamespace;
        return ns?.Name == "TorchSharp";
    }

    static bool IsToScalarCall(SemanticModel model, ExpressionSyntax expression) =>
        expression is InvocationExpressionSyntax && model.GetSymbolInfo(expression).Symbol is IMethodSymbol { Name: "ToScalar" } m && IsScalar(m.ReturnType);

    static bool IsScalar(ITypeSymbol? type) =>
        type is { Name: "Scalar", ContainingNamespace: { Name: "TorchSharp", ContainingNamespace.IsGlobalNamespace: true } };

    static bool IsBuildOutput(string relative)
    {
        var first = relative.Split(Path.DirectorySeparatorChar)[0];
        return first is "bin" or "obj";
    }

    // Every managed assembly the test host loads (the runtime, TorchSharp, packages) and, of Harmonia's own, only Core
    // and Models (when Models is not the one compiled from source): the projects below them in the dependency order.
    static IEnumerable<MetadataReference> References(string assemblyName) =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => Path.GetFileNameWithoutExtension(p) is var name &&
                        (!name.StartsWith("Harmonia.", StringComparison.Ordinal) || name == "Harmonia.Core" ||
                         (name == "Harmonia.Models" && assemblyName != name)))
            .DistinctBy(Path.GetFileName)
            .Select(p => MetadataReference.CreateFromFile(p));
}
