using System.CommandLine;

namespace Harmonia.Bench;

/// <summary>The list of benchmark commands.</summary>
public static class BenchCommands
{
    /// <summary>Every benchmark subcommand.</summary>
    public static IEnumerable<Command> All()
    {
        yield return ClassicalBench.Command();
        yield return LoaderBench.Create();
        yield return S2CRNetBench.Create();
        yield return PIHBench.Create();
        yield return CompareBench.Create();
        yield return CliBench.Create();
        yield return ServeBench.Create();
        yield return VideoBench.Create();
    }
}
