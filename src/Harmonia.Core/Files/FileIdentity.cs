namespace Harmonia.Core.Files;

/// <summary>
/// Whether two paths name the same file, comparing files rather than strings: every symbolic link on the way (a
/// linked folder as well as a linked file) is resolved first, so <c>dl/comp.png</c> with <c>dl</c> a link to the
/// composite's folder is the composite. Paths need not exist (an output usually does not yet).
/// </summary>
public static class FileIdentity
{
    const int MaxLinkDepth = 40;

    /// <summary>The absolute path with every symbolic link resolved, as far as the path exists.</summary>
    public static string Resolve(string path) => Resolve(Path.GetFullPath(path), 0);

    static string Resolve(string full, int depth)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null) return full;   // the root
        var here = Path.Combine(Resolve(parent, depth), Path.GetFileName(full));
        if (depth >= MaxLinkDepth) return here;
        FileSystemInfo info = Directory.Exists(here) ? new DirectoryInfo(here) : new FileInfo(here);
        string? target;
        try { target = info.LinkTarget; }
        catch (IOException) { return here; }
        if (target is null) return here;
        var absolute = Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(here)!, target);
        return Resolve(Path.GetFullPath(absolute), depth + 1);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> resolve to the same file.</summary>
    public static bool Same(string a, string b) => string.Equals(Resolve(a), Resolve(b), PathComparison);

    /// <summary>Whether <paramref name="path"/> resolves to <paramref name="folder"/> or to something inside it.</summary>
    public static bool IsInside(string path, string folder)
    {
        var p = Resolve(path);
        var f = Path.TrimEndingDirectorySeparator(Resolve(folder));
        return string.Equals(p, f, PathComparison) || p.StartsWith(f + Path.DirectorySeparatorChar, PathComparison);
    }

    static StringComparison PathComparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS()
        ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
}
