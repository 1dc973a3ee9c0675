using Xunit;
namespace Harmonia.Tests.Support;



/// <summary>
/// Locates <c>../shared/data</c> beside the repository root (the folder holding Harmonia.sln). Tests that need it
/// are [SkippableFact]s that call <see cref="RequireDirectory"/>, which skips with a clear message when it is absent.
/// </summary>
public static class SharedData
{
    /// <summary>The repository root (folder of Harmonia.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>../shared/data</c> from the repository root, or null when absent.</summary>
    public static string? Root
    {
        get
        {
            var p = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
            return Directory.Exists(p) ? p : null;
        }
    }

    /// <summary>
    /// The path of a shared data sub-folder (e.g. "ihm4-samples"); skips the calling test (use [SkippableFact])
    /// with a clear message when it is absent.
    /// </summary>
    public static string RequireDirectory(string relative)
    {
        var path = Root is { } r ? Path.Combine(r, relative) : null;
        Skip.If(path is null || !Directory.Exists(path), $"../shared/data/{relative} is not present beside the repository; test skipped.");
        return path!;
    }

    /// <summary>
    /// A folder of <c>../shared/golden</c> (official-format weights and official outputs, see its README files); skips
    /// the calling test (use [SkippableFact]) when it is absent.
    /// </summary>
    public static string RequireGolden(string relative)
    {
        var path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden", relative));
        Skip.IfNot(Directory.Exists(path), $"../shared/golden/{relative} is not present beside the repository; test skipped.");
        return path;
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Harmonia.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
