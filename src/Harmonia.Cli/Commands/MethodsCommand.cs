using System.CommandLine;
using Harmonia.Models;
using Spectre.Console;

namespace Harmonia.Cli.Commands;

/// <summary><c>harmonia methods</c>: lists the registered methods, one line each, with their settings.</summary>
public static class MethodsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("methods", "List the harmonization methods with a one-line description and their settings.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("method").AddColumn("description").AddColumn("settings (--set key=value)");
            foreach (var m in MethodCatalog.CreateDefault().All)
            {
                var name = m.Name == MethodCatalog.DefaultMethod ? $"{m.Name} (default)" : m.Name;
                var settings = string.Join("\n", m.Settings.Select(s => $"{s.Key}={s.Default}: {s.Description}"));
                table.AddRow(Markup.Escape(name), Markup.Escape(m.Description), Markup.Escape(settings));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
