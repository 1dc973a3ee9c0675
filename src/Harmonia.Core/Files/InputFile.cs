using Harmonia.Core.Errors;

namespace Harmonia.Core.Files;

/// <summary>
/// Opens input files so that nothing can hang or run away: only non-empty regular files are opened, and reads are
/// bounded by the size the file had when it was checked.
/// </summary>
public static class InputFile
{
    /// <summary>
    /// Checks that <paramref name="path"/> is a readable non-empty regular file of at most <paramref name="maxBytes"/>
    /// and returns its length. Pipes, character devices (<c>/dev/zero</c>) and sockets report a length of 0 and are
    /// refused here, before opening: opening a FIFO would block until a writer appears.
    /// </summary>
    public static long Check(string path, long maxBytes, string what = "")
    {
        var label = what.Length == 0 ? $"'{path}'" : $"{what} '{path}'";
        if (Directory.Exists(path)) throw new HarmoniaException($"Cannot read {label}: it is a folder, not a file.");
        var info = new FileInfo(path);
        if (!info.Exists) throw new HarmoniaException($"Cannot read {label}: file not found.");
        // A symbolic link reports its own length: judge the file it points to (a link to a FIFO is still refused).
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target) info = target;
        long length = info.Length;
        if (length == 0)
            throw new HarmoniaException($"Cannot read {label}: it is empty or not a regular file (a pipe or device).");
        if (length > maxBytes)
            throw new HarmoniaException($"Cannot read {label}: {length} bytes is over the limit of {maxBytes} bytes.");
        return length;
    }

    /// <summary>Opens a file that passed <see cref="Check"/> for reading; I/O errors become user-facing messages.</summary>
    public static FileStream Open(string path, string what = "")
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarmoniaException($"Cannot read {(what.Length == 0 ? "" : what + " ")}'{path}': {e.Message}");
        }
    }

    /// <summary>
    /// Reads the whole of a checked file, at most <paramref name="maxBytes"/> bytes; a file that grew past the size
    /// checked is refused rather than read on.
    /// </summary>
    public static byte[] ReadAllBytes(string path, long maxBytes, string what = "")
    {
        long length = Check(path, maxBytes, what);
        using var stream = Open(path, what);
        var bytes = new byte[length];
        try
        {
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0) throw new HarmoniaException($"Cannot read '{path}': the file changed while it was read.");
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            throw new HarmoniaException($"Cannot read '{path}': {e.Message}");
        }
        return bytes;
    }
}
