namespace Harmonia.Core.Files;

/// <summary>
/// The one place that turns a weights or model-file name into a path. A name is looked up as given (relative to the
/// working directory), then relative to the program's folder, where the build copies the shipped <c>models/</c>
/// files; an environment variable may name the file outright. Methods never probe the file system themselves.
/// </summary>
public static class ModelLocator
{
    /// <summary>The folder of shipped model files, beside the program and in the repository.</summary>
    public const string ModelsFolder = "models";

    /// <summary>
    /// The existing file <paramref name="path"/> names, or null: as given, else (when relative) under the program's
    /// folder. <paramref name="environmentVariable"/>, when set in the environment, overrides both (null if its file is missing).
    /// </summary>
    public static string? Find(string path, string? environmentVariable = null)
    {
        if (environmentVariable is not null && Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } overridden)
            return File.Exists(overridden) ? overridden : null;
        if (File.Exists(path)) return path;
        if (Path.IsPathRooted(path)) return null;
        var beside = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(beside) ? beside : null;
    }

    /// <summary>The relative path of a shipped model file: <c>models/<paramref name="fileName"/></c>.</summary>
    public static string Shipped(string fileName) => Path.Combine(ModelsFolder, fileName);
}
