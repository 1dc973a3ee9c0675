using System.CommandLine;
using Harmonia.Cli.Commands;
using Harmonia.Cli.Commands.Train;
using Harmonia.Cli.Infrastructure;

namespace Harmonia.Cli;

/// <summary>Builds the command tree and runs it with Harmonia's error rules (one stderr line, exit 2 usage / 1 failure).</summary>
public static class HarmoniaCli
{
    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("Harmonia: image harmonization. Adjusts a pasted foreground's colour and tone to its background.");
        root.Subcommands.Add(MethodsCommand.Create());
        root.Subcommands.Add(HarmonizeCommand.Create());
        root.Subcommands.Add(HarmonizeVideoCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(SheetCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandRunner.Run(Build(), args);
}
