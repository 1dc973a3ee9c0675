using System.CommandLine;

namespace Harmonia.Cli.Commands;

/// <summary><c>harmonia dataset shapes</c>.</summary>
public static class DatasetShapesCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("shapes", "Shape masks (todo).");
        return command;
    }
}
