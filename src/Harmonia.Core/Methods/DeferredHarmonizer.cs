namespace Harmonia.Core.Methods;

/// <summary>
/// A method created on its first use: the command line checks its name and settings up front but loads weights
/// (and the TorchSharp runtime) only once the inputs have been read and checked, so bad input fails fast and a run
/// that harmonizes nothing loads nothing. The side outputs are declared up front so they can be checked before.
/// </summary>
public sealed class DeferredHarmonizer(Func<IHarmonizer> create, IReadOnlyList<string> sideOutputPaths) : IHarmonizer, ISideOutputWriter, IDisposable
{
    IHarmonizer? inner;

    /// <summary>Whether the method has been created.</summary>
    public bool IsCreated => inner is not null;

    /// <summary>The method, created on first access.</summary>
    public IHarmonizer Method => inner ??= create();

    /// <inheritdoc />
    public Rendering.IForegroundMap Fit(Imaging.RgbImage composite, Imaging.Mask mask) => Method.Fit(composite, mask);

    /// <inheritdoc />
    public IReadOnlyList<string> SideOutputPaths => sideOutputPaths;

    /// <inheritdoc />
    public void WriteSideOutputs()
    {
        if (inner is ISideOutputWriter writer) writer.WriteSideOutputs();
    }

    /// <inheritdoc />
    public void Dispose() => (inner as IDisposable)?.Dispose();
}
