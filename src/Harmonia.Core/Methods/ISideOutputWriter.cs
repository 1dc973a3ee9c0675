namespace Harmonia.Core.Methods;

/// <summary>
/// A method that writes files besides the harmonized image (s2crnet's <c>--curves-out</c> curves JSON). The pipeline
/// checks <see cref="SideOutputPaths"/> against the inputs before running and calls <see cref="WriteSideOutputs"/>
/// only after the image was written, so a failing run leaves neither.
/// </summary>
public interface ISideOutputWriter
{
    /// <summary>Files the method will write (empty when none are asked for).</summary>
    IReadOnlyList<string> SideOutputPaths { get; }

    /// <summary>Writes the side outputs of the last <see cref="IHarmonizer.Fit"/> call, atomically each.</summary>
    void WriteSideOutputs();
}
