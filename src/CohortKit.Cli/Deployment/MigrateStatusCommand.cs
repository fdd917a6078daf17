using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Deployment.Migrations;
using Spectre.Console;

namespace CohortKit.Cli.Deployment;

/// <summary>One row of the JSON of <c>cohortkit migrate status</c>.</summary>
internal sealed record MigrateStatusRow(long Version, string Name, string Checksum, string Phase, DateTimeOffset AppliedAt);

/// <summary><c>cohortkit migrate status</c>: the history table <c>cohortkit_migrations</c> with checksums; read-only (a missing
/// table is "no migrations applied", a missing SQLite file is bad input; neither is created).</summary>
internal static class MigrateStatusCommand
{
    public static Command Create(CliConsole console)
    {
        var connection = MigrateCommand.Connection();
        var json = CommonOptions.Json();
        var command = new Command("status", "Print the migration history (cohortkit_migrations) with checksums.") { connection, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Read-only: a missing SQLite file is reported (exit 2), a missing history table reads as no history; nothing is created.
            var (dialect, cs) = await MigrationConnection.CheckAsync(parse.GetValue(connection), readOnly: true, cancellationToken).ConfigureAwait(false);
            var controller = new MigrationController(new MigrationOptions(), MigrationConnection.Store(dialect, cs));
            var rows = (await controller.StatusAsync(cancellationToken).ConfigureAwait(false))
                .Select(h => new MigrateStatusRow(h.Version, h.Name, h.Checksum, h.Phase.ToString().ToLowerInvariant(), h.AppliedAt)).ToList();
            if (parse.GetValue(json))
            {
                console.WriteJson(rows);
                return 0;
            }

            var table = new Table().AddColumns("version", "name", "phase", "applied at (UTC)", "checksum");
            foreach (var r in rows)
            {
                table.AddRow(r.Version.ToString(CultureInfo.InvariantCulture), Markup.Escape(r.Name), r.Phase, r.AppliedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture), r.Checksum);
            }

            console.Ansi.Write(table);
            if (rows.Count == 0)
            {
                console.Out.WriteLine("no migrations applied");
            }

            return 0;
        });
        return command;
    }
}
