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
        root.Subcommands.Add(Segmentation.SegmentsCommand.Create(console));
        root.Subcommands.Add(Temporal.SurvivalCommand.Create(console));
        root.Subcommands.Add(Temporal.RetentionCommand.Create(console));
        root.Subcommands.Add(Temporal.ProgressionCommand.Create(console));
        root.Subcommands.Add(Temporal.TrackCommand.Create(console));
        root.Subcommands.Add(Oulad.OuladCommand.Create(console));
        root.Subcommands.Add(Reliability.SloReplayCommand.Create(console));
        root.Subcommands.Add(Reliability.CapacityCommand.Create(console));
        root.Subcommands.Add(Reliability.IncidentsSimulateCommand.Create(console));
        root.Subcommands.Add(Reliability.DrDrillCommand.Create(console));
        root.Subcommands.Add(Churn.ChurnCommand.Create(console));
        root.Subcommands.Add(Regions.RegionsCommand.Create(console));
        root.Subcommands.Add(Deployment.MigrateCommand.Create(console));
        root.Subcommands.Add(Deployment.DeployDrillCommand.Create(console));
        root.Subcommands.Add(Personalization.PersonalizeCommand.Create(console));
        root.Subcommands.Add(Personalization.TuneCommand.Create(console));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line for all of them (bad input is reported on one line), in the user's words: "a number", not
            // System.CommandLine's "expected type 'System.Nullable`1[System.Double]'".
            var lines = parse.Errors.Select(e =>
            {
                var option = e.SymbolResult switch
                {
                    System.CommandLine.Parsing.OptionResult o => o.Option.Name,
                    System.CommandLine.Parsing.ArgumentResult { Parent: System.CommandLine.Parsing.OptionResult o } => o.Option.Name,
                    _ => null,
                };
                return Plain(option is null ? e.Message : $"{option}: {e.Message}");
            });
            console.Fail(CliConsole.BadInput, Joined(string.Join("; ", lines)));

            return CliConsole.BadInput;
        }

        try
        {
            // Ctrl-C / SIGTERM cancel an async command's token; it gets 10 s (not the default 2) to stop its child processes
            // and say so before System.CommandLine gives up on it (drills: docs/cli.md, exit 130).
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
        }
        catch (Exception ex)
        {
            return Report(console, Unwrap(ex));
        }
    }

    /// <summary>Maps an exception to its exit code and one line on stderr: bad input 2, anything else 1, never a stack trace.
    /// An argument error's " (Parameter 'name')" suffix is dropped: it names a C# parameter, not an option (a parameter
    /// named for an option, "--max", leads the line instead).</summary>
    /// <param name="console">Where to write.</param>
    /// <param name="ex">The exception.</param>
    /// <param name="note">Appended to the line, e.g. what was cleaned up.</param>
    internal static int Report(CliConsole console, Exception ex, string note = "") => ex switch
    {
        ArgumentException or CsvFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or CohortKitException
            or UnauthorizedAccessException
            => console.Fail(CliConsole.BadInput, OneLine(ex is ArgumentException a ? ArgumentLine(a) : ex.Message) + note),
        OperationCanceledException => console.Fail(CliConsole.Failure, "cancelled" + note),
        OutOfMemoryException => console.Fail(CliConsole.Failure, "out of memory: " + OneLine(ex.Message) + note),
        _ => console.Fail(CliConsole.Failure, $"{ex.GetType().Name}: {OneLine(ex.Message)}{note}"),
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

    private static string ArgumentLine(ArgumentException ex)
    {
        var message = ex.WithoutParameterName();
        return ex.ParamName is { } name && name.StartsWith("--", StringComparison.Ordinal) && !message.Contains(name, StringComparison.Ordinal)
            ? $"{name}: {message}"
            : message;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();

    /// <summary>Joins a parser message's lines and tab-indented choices ("Must be one of:\n\t'none'…") into one line.</summary>
    /// <summary>A parse error with .NET type names replaced by what the user typed them as.</summary>
    private static string Plain(string message) => message
        .Replace("'System.Nullable`1[System.Double]'", "a number", StringComparison.Ordinal)
        .Replace("'System.Double'", "a number", StringComparison.Ordinal)
        .Replace("'System.Nullable`1[System.Int32]'", "a whole number", StringComparison.Ordinal)
        .Replace("'System.Int32'", "a whole number", StringComparison.Ordinal)
        .Replace("'System.Nullable`1[System.Int64]'", "a whole number", StringComparison.Ordinal)
        .Replace("'System.Int64'", "a whole number", StringComparison.Ordinal)
        .Replace("as expected type a", "as a", StringComparison.Ordinal);

    private static string Joined(string message)
        => string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

