using System.CommandLine;
using Harmonia.Cli.Commands;
using Harmonia.Cli.Commands.Train;
using Harmonia.Cli.Infrastructure;

namespace Harmonia.Cli;

/// <summary>Builds the command tree and runs it with Harmonia's error rules (one stderr line, exit 2 usage / 1 failure).</summary>
public static class HarmoniaCli
{
    const string Description = "Harmonia: image harmonization. Adjusts a pasted foreground's colour and tone to its background.";

    /// <summary>Every subcommand: its name (the created command's <c>Name</c>) and how to create it.</summary>
    internal static readonly (string Name, Func<Command> Create)[] Subcommands =
    [
        ("methods", MethodsCommand.Create),
        ("harmonize", HarmonizeCommand.Create),
        ("harmonize-video", HarmonizeVideoCommand.Create),
        ("eval", EvalCommand.Create),
        ("sheet", SheetCommand.Create),
        ("dataset", DatasetCommand.Create),
        ("train", TrainCommand.Create),
        ("serve", ServeCommand.Create),
        ("study", StudyCommand.Create),
    ];

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(Description);
        foreach (var (_, create) in Subcommands) root.Subcommands.Add(create());
        return root;
    }

    /// <summary>
    /// The tree <paramref name="args"/> needs: when they start with a subcommand's name, the root holds that subcommand
    /// only (what it parses, prints and runs is the same), so a single harmonize does not build the options of every
    /// other command first (start-up); anything else (root help, a typo, no arguments) gets the whole tree.
    /// </summary>
    internal static RootCommand BuildFor(string[] args)
    {
        if (args.Length == 0) return Build();
        foreach (var (name, create) in Subcommands)
        {
            if (name != args[0]) continue;
            var root = new RootCommand(Description);
            root.Subcommands.Add(create());
            return root;
        }
        return Build();
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static int Run(string[] args) => CommandRunner.Run(BuildFor(args), args);
}
