using Harmonia.Core.Datasets;
using Harmonia.Core.Errors;
using Harmonia.Core.Files;

namespace Harmonia.Evaluation;

/// <summary>
/// Checks where an evaluation will write before it runs, so a run never overwrites its own dataset and never
/// computes every output only to fail on the report path: the JSON report and each saved output
/// (<c>&lt;folder&gt;/&lt;Subset&gt;/&lt;Name&gt;.png</c>) must not be an input file (composite, mask, real image or split
/// list, symbolic links resolved), the JSON report must not be a folder or one of the saved outputs, and the outputs
/// folder must be creatable and writable.
/// </summary>
public static class EvaluationOutputPaths
{
    /// <summary>Throws a <see cref="UsageException"/> (path conflicts) or <see cref="HarmoniaException"/> (unwritable) before any work.</summary>
    public static void Check(IReadOnlyList<HarmonizationSample> samples, string datasetRoot, string? jsonPath, string? saveOutputsTo)
    {
        if (jsonPath is null && saveOutputsTo is null) return;
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in samples)
        {
            inputs.Add(FileIdentity.Resolve(s.CompositePath));
            inputs.Add(FileIdentity.Resolve(s.MaskPath));
            if (s.RealPath is not null) inputs.Add(FileIdentity.Resolve(s.RealPath));
        }
        foreach (var dir in IHarmony4Layout.SubsetFolders(datasetRoot))
            foreach (var list in Directory.EnumerateFiles(dir, "*.txt"))
                inputs.Add(FileIdentity.Resolve(list));

        var outputs = new HashSet<string>(StringComparer.Ordinal);
        if (saveOutputsTo is not null)
        {
            foreach (var s in samples)
            {
                var output = FileIdentity.Resolve(Path.Combine(saveOutputsTo, s.Subset, s.Name + ".png"));
                if (inputs.Contains(output))
                    throw new UsageException($"--save-outputs '{saveOutputsTo}' would overwrite the dataset's '{output}'; choose a folder outside the dataset's files.");
                outputs.Add(output);
            }
        }
        if (jsonPath is not null)
        {
            if (Directory.Exists(jsonPath) || (saveOutputsTo is not null && FileIdentity.Same(jsonPath, saveOutputsTo)))
                throw new UsageException($"--json '{jsonPath}' is a folder; give a file name.");
            var json = FileIdentity.Resolve(jsonPath);
            if (inputs.Contains(json)) throw new UsageException($"--json '{jsonPath}' is one of the dataset's files; choose another path.");
            if (outputs.Contains(json)) throw new UsageException($"--json '{jsonPath}' is also one of the saved outputs; choose another path.");
            var parent = Path.GetDirectoryName(Path.GetFullPath(jsonPath))!;
            if (File.Exists(parent)) throw new HarmoniaException($"Cannot write --json '{jsonPath}': '{parent}' is a file, not a folder.");
        }
        if (saveOutputsTo is not null) RequireWritableFolder(saveOutputsTo);
    }

    /// <summary>Creates <paramref name="folder"/> and proves it writable with a probe file; one-line errors otherwise.</summary>
    static void RequireWritableFolder(string folder)
    {
        if (File.Exists(folder)) throw new HarmoniaException($"Cannot save outputs to '{folder}': it is a file, not a folder.");
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".harmonia-write-test-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HarmoniaException($"Cannot save outputs to '{folder}': {e.Message}");
        }
    }
}
