using Harmonia.Training.Data;

namespace Harmonia.Tests.Training;

/// <summary>A temporary folder deleted on dispose, optionally holding a synthetic layout.</summary>
public sealed class TrainingScratch : IDisposable
{
    /// <summary>The folder.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "harmonia-training-tests-" + Guid.NewGuid().ToString("N"));

    public TrainingScratch() => Directory.CreateDirectory(Root);

    /// <summary>A scratch folder with a synthetic PNG layout of <paramref name="count"/> samples (80% train / 20% test).</summary>
    public static TrainingScratch WithLayout(int count, int width, int height, int seed = 1)
    {
        var s = new TrainingScratch();
        SyntheticLayout.Write(s.Data, count, width, height, ".png", seed);
        return s;
    }

    /// <summary>The dataset root inside the scratch folder.</summary>
    public string Data => Path.Combine(Root, "data");

    /// <summary>A path inside the scratch folder.</summary>
    public string Path_(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
