using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Deployment.Migrations;
using Spectre.Console;

namespace CohortKit.Cli.Deployment;

/// <summary>One phase in the JSON of <c>cohortkit migrate drill</c>.</summary>
internal sealed record MigrateDrillPhase(string Phase, long Version, string Name, DateTimeOffset StartedAt, double Seconds, long RowsUpdated, int Batches);

/// <summary>The JSON document of <c>cohortkit migrate drill</c> (a contract: scripts depend on it exactly; <c>problems</c> is an
/// addition: why the drill exits 1, empty when it exits 0).</summary>
internal sealed record MigrateDrillReport(long Rows, long WritesV1, long WritesV2, long FailedWrites, double BackfillSeconds, IReadOnlyList<MigrateDrillPhase> Phases,
    IReadOnlyList<string> Problems);

/// <summary><c>cohortkit migrate drill</c>: the expand/backfill/contract drill on <c>drill_learners</c> with app versions 1 and 2 writing.</summary>
internal static class MigrateDrillCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = MigrateCommand.Connection();
        var rows = new Option<long>("--rows") { Description = "Rows to fill drill_learners with before the writers start.", DefaultValueFactory = _ => 1_000_000 };
        var json = CommonOptions.Json();
        var command = new Command("drill", "Fill drill_learners, run app v1 and v2 writers concurrently, expand (add score_band), backfill in batches, contract after v1 stops; leaves the table and cohortkit_migrations for inspection.")
        {
            connection, rows, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Return the task to System.CommandLine at once: its Ctrl-C/SIGTERM handler is registered only when the action
            // first yields, and SQLite's "async" calls complete synchronously (a 3M-row fill would otherwise ignore SIGTERM).
            await Task.Yield();
            MigrationConnection.Dialect(parse.GetValue(connection));
            var n = parse.GetValue(rows);
            if (n < 1)
            {
                throw new ArgumentException($"--rows: must be at least 1, got {n}.");
            }

            var (dialect, cs) = await MigrationConnection.CheckAsync(parse.GetValue(connection), readOnly: false, cancellationToken).ConfigureAwait(false);
            ExpandContractDrillResult result;
            try
            {
                result = await new ExpandContractDrill(dialect, cs).RunAsync(n, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return console.Fail(CliConsole.Cancelled, "cancelled: the writers stopped and the lock was released; a phase in progress rolled back, drill_learners is left as it was");
            }

            return Write(console, result, parse.GetValue(json));
        });
        return command;
    }

    /// <summary>Writes the drill's JSON or table and summary (with every problem found) and returns the exit code: 0 when
    /// <see cref="ExpandContractDrillResult.Problems"/> is empty, 1 otherwise.</summary>
    internal static int Write(CliConsole console, ExpandContractDrillResult result, bool json)
    {
        var report = new MigrateDrillReport(result.Rows, result.WritesV1, result.WritesV2, result.FailedWrites, result.BackfillDuration.TotalSeconds,
            result.Phases.Select(p => new MigrateDrillPhase(p.Phase.ToString().ToLowerInvariant(), p.Version, ExpandContractDrill.MigrationName, p.StartedAt, p.Duration.TotalSeconds, p.RowsUpdated, p.Batches)).ToList(),
            result.Problems);
        if (json)
        {
            console.WriteJson(report);
        }
        else
        {
            var table = new Table().AddColumns("phase", "started", "seconds", "rows updated", "batches");
            foreach (var p in report.Phases)
            {
                table.AddRow(p.Phase, p.StartedAt.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture), Text(p.Seconds), Text(p.RowsUpdated), Text(p.Batches));
            }

            console.Ansi.Write(table);
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"rows {report.Rows:N0}; writes v1 {report.WritesV1:N0}, v2 {report.WritesV2:N0}; failed writes {report.FailedWrites}; lost rows {result.LostRows}; unfilled {result.UnfilledRows}; wrong score_band {result.MismatchedRows}; backfill {report.BackfillSeconds:F1} s"));
            console.Out.WriteLine(report.Problems.Count == 0 ? "problems: none" : "problems: " + string.Join("; ", report.Problems));
        }

        return report.Problems.Count == 0 ? 0 : CliConsole.Failure;
    }

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
