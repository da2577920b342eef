using Hoist.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
