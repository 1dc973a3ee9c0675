using System.CommandLine;

namespace Harmonia.Cli.Commands;

/// <summary><c>harmonia dataset stats DIR [--plots DIR]</c>.</summary>
public static class DatasetStatsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("stats", "Dataset statistics (todo).");
        return command;
    }
}
