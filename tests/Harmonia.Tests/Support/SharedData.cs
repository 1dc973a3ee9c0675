namespace Harmonia.Tests.Support;

/// <summary>
/// Locates <c>../shared/data</c> beside the repository root (the folder holding Harmonia.sln). Tests that need it
/// call <see cref="RequireDirectory"/> and skip with a clear message when it is absent.
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

    /// <summary>The path of a shared data sub-folder, or null when it is absent.</summary>
    public static string? Directory_(string relative) =>
        Root is { } r && Directory.Exists(Path.Combine(r, relative)) ? Path.Combine(r, relative) : null;

    /// <summary>Returns the sub-folder or a skip reason (for <c>Assert.Skip</c>-style early return).</summary>
    public static bool RequireDirectory(string relative, out string path)
    {
        path = Directory_(relative) ?? "";
        return path.Length > 0;
    }

    static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Harmonia.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
