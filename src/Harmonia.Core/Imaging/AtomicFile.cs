using Harmonia.Core.Errors;

namespace Harmonia.Core.Imaging;

/// <summary>Writes files so that a failure never leaves a partial file: temp file in the same folder, then rename.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically; user-facing error on failure.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Lets <paramref name="write"/> fill a temporary file in the target folder, then renames it to
    /// <paramref name="path"/>; on any failure the temporary file is removed and nothing is left at the path.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new HarmoniaException($"Cannot write '{path}': folder '{dir}' does not exist.");
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { }
            if (e is IOException or UnauthorizedAccessException) throw new HarmoniaException($"Cannot write '{path}': {e.Message}");
            throw;
        }
    }

    /// <summary>Writes text atomically (UTF-8).</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));
}
