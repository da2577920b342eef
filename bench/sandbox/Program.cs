using Hoist.Sandbox.Bench;

// Four measurements of issue #2's sandbox; see run.sh. Results go to stdout as a table, progress to stderr.
var options = BenchOptions.Parse(args);
var table = new ResultTable();

if (options.Includes("b")) await ThousandDeployments.RunAsync(options, table);
if (options.Includes("a")) await RolloutLatency.RunAsync(options, table);
if (options.Includes("c")) await KubectlRollout.RunAsync(options, table);
if (options.Includes("d")) await SandboxProcess.RunAsync(options, table);

table.Print(Console.Out, options);
return 0;
