using Harmonia.Cli;
using Harmonia.Tests.Support;

namespace Harmonia.Tests.Cli;

/// <summary>The command tree built for a command line: one subcommand when it is named first, else all.</summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Each_listed_name_is_the_name_of_the_command_it_creates_and_the_tree_is_cut_to_it()
    {
        var all = HarmoniaCli.Build();
        Assert.Equal(HarmoniaCli.Subcommands.Select(s => s.Name), all.Subcommands.Select(c => c.Name));
        foreach (var (name, _) in HarmoniaCli.Subcommands)
            Assert.Equal([name], HarmoniaCli.BuildFor([name, "--help"]).Subcommands.Select(c => c.Name));
        Assert.Equal(all.Subcommands.Count, HarmoniaCli.BuildFor([]).Subcommands.Count);
        Assert.Equal(all.Subcommands.Count, HarmoniaCli.BuildFor(["--help"]).Subcommands.Count);
        Assert.Equal(all.Subcommands.Count, HarmoniaCli.BuildFor(["harmonise"]).Subcommands.Count);
    }

    [Fact]
    public void Root_help_and_a_mistyped_command_still_see_every_command()
    {
        var help = CliProcess.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var (name, _) in HarmoniaCli.Subcommands) Assert.Contains(name, help.StdOut);
        var typo = CliProcess.Run("harmonise", "a.jpg", "b.png");
        Assert.Equal(2, typo.ExitCode);
    }
}
