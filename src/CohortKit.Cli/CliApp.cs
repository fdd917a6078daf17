using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Cli.Simulate;
using CohortKit.Errors;

namespace CohortKit.Cli;

/// <summary>Builds and runs the <c>cohortkit</c> command tree. Exit codes: 0 success, 2 bad input, 1 failure.</summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var json = args.Contains("--json");
        var interactive = !json && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        var console = new CliConsole(stdout, stderr, interactive);
        var root = new RootCommand("CohortKit: experiments, segments, cohorts and churn for learning platforms.");
        root.Subcommands.Add(SimulateCommand.Create(console));
        root.Subcommands.Add(Experiments.ExperimentCommand.Create(console));
        root.Subcommands.Add(Similarity.SimilarityCommands.Features(console));
        root.Subcommands.Add(Similarity.SimilarityCommands.Peers(console));
        root.Subcommands.Add(Similarity.CohortsCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                var option = e.SymbolResult switch
                {
                    System.CommandLine.Parsing.OptionResult o => o.Option.Name,
                    System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
                    _ => null,
                };
                console.Fail(CliConsole.BadInput, option is null ? e.Message : $"{option}: {e.Message}");
            }

            return CliConsole.BadInput;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (ex is ArgumentException or CsvFormatException or FileNotFoundException or DirectoryNotFoundException or CohortKitException)
        {
            return console.Fail(CliConsole.BadInput, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or OutOfMemoryException)
        {
            return console.Fail(CliConsole.Failure, ex.Message);
        }
    }
}
