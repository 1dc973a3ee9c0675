using Harmonia.Cli;

return HarmoniaCli.Run(args);
