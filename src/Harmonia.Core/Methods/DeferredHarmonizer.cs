namespace Harmonia.Core.Methods;

/// <summary>
/// A method created on its first use: the command line checks its name and settings up front but loads weights
/// (and the TorchSharp runtime) only once the inputs have been checked, so bad input fails fast and a run that
/// harmonizes nothing loads nothing. <see cref="StartCreating"/> lets a caller overlap the creation with work that
/// no longer decides whether the method is needed (decoding pixels whose headers passed). The side outputs are
/// declared up front so they can be checked before.
/// </summary>
public sealed class DeferredHarmonizer(Func<IHarmonizer> create, IReadOnlyList<string> sideOutputPaths) : IHarmonizer, ISideOutputWriter, IDisposable
{
    IHarmonizer? inner;
    Task<IHarmonizer>? creating;

    /// <summary>Whether the method has been created (or its creation started).</summary>
    public bool IsCreated => inner is not null || creating is not null;

    /// <summary>
    /// Starts creating the method on a pool thread, once; <see cref="Method"/> then waits for it. A creation error
    /// surfaces (unwrapped) from <see cref="Method"/>, never from here.
    /// </summary>
    public void StartCreating()
    {
        if (inner is null) creating ??= Task.Run(create);
    }

    /// <summary>The method, created on first access (or taken from <see cref="StartCreating"/>).</summary>
    public IHarmonizer Method => inner ??= creating is null ? create() : creating.GetAwaiter().GetResult();

    /// <inheritdoc />
    public Rendering.IForegroundMap Fit(Imaging.RgbImage composite, Imaging.Mask mask) => Method.Fit(composite, mask);

    /// <inheritdoc />
    public IReadOnlyList<string> SideOutputPaths => sideOutputPaths;

    /// <inheritdoc />
    public void WriteSideOutputs()
    {
        if (inner is ISideOutputWriter writer) writer.WriteSideOutputs();
    }

    /// <summary>Disposes the method; one still being created (its inputs failed meanwhile) is awaited and disposed.</summary>
    public void Dispose()
    {
        if (inner is null && creating is not null)
        {
            try { inner = creating.GetAwaiter().GetResult(); }
            catch (Exception) { /* the run already failed for another reason, which is the one to report */ }
        }
        (inner as IDisposable)?.Dispose();
    }
}
