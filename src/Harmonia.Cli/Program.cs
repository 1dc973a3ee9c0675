using Harmonia.Cli;
using Harmonia.Cli.Infrastructure;

int exitCode = HarmoniaCli.Run(args);
ProcessEnd.SkipNativeTeardown(exitCode);
return exitCode;
