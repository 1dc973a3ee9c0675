namespace Harmonia.Core.Methods;

/// <summary>
/// A method that has something to tell the user about how it was set up, decided once when it was created (e.g. a
/// setting the loaded model cannot use). Front ends print each line once, as a warning; the method still runs.
/// </summary>
public interface ISetupWarnings
{
    /// <summary>One sentence per warning, without the "warning:" prefix; empty when there is nothing to say.</summary>
    IReadOnlyList<string> SetupWarnings { get; }
}
