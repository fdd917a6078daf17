using System.CommandLine;
using CohortKit.Cli.Output;
using CohortKit.Cli.Simulate;
using CohortKit.Errors;

namespace CohortKit.Cli;

/// <summary>Builds and runs the <c>cohortkit</c> command tree. Exit codes: 0 success, 2 bad input, 1 failure (one line on stderr, never a stack trace).</summary>
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
        root.Subcommands.Add(Similarity.FeaturesCommand.Create(console));
        root.Subcommands.Add(Similarity.PeersCommand.Create(console));
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
        catch (Exception ex)
        {
            return Report(console, Unwrap(ex));
        }
    }

    /// <summary>Maps an exception to its exit code and one line on stderr: bad input 2, anything else 1, never a stack trace.</summary>
    internal static int Report(CliConsole console, Exception ex) => ex switch
    {
        ArgumentException or CsvFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or CohortKitException
            => console.Fail(CliConsole.BadInput, OneLine(ex.Message)),
        OperationCanceledException => console.Fail(CliConsole.Failure, "cancelled"),
        OutOfMemoryException => console.Fail(CliConsole.Failure, "out of memory: " + OneLine(ex.Message)),
        _ => console.Fail(CliConsole.Failure, $"{ex.GetType().Name}: {OneLine(ex.Message)}"),
    };

    /// <summary>Unwraps the single inner exception of an <see cref="AggregateException"/> (parallel loops wrap what they throw),
    /// or the first one when there are several.</summary>
    internal static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            ex = aggregate.InnerExceptions[0];
        }

        return ex;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

