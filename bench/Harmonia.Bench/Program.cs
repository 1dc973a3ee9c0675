using System.CommandLine;

// One subcommand per benchmark; each prints a table. Benchmarks register themselves in BenchCommands.
var root = new RootCommand("Harmonia benchmarks: each subcommand measures one thing on this machine and prints a table.");
foreach (var command in Harmonia.Bench.BenchCommands.All()) root.Subcommands.Add(command);
return root.Parse(args).Invoke();
