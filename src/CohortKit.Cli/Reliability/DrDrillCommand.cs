using System.CommandLine;
using System.Globalization;
using CohortKit.Cli.Output;
using CohortKit.Reliability.Recovery;
using Spectre.Console;

namespace CohortKit.Cli.Reliability;

/// <summary>The JSON document of <c>cohortkit dr drill</c> (a contract: scripts depend on it exactly).</summary>
internal sealed record DrDrillReport(long Committed, long Restored, long Lost, long Duplicated, double RpoSeconds, double RtoSeconds);

/// <summary><c>cohortkit dr drill</c>: writes committed CohortKit state, backs it up, destroys the primary, restores and verifies.</summary>
internal static class DrDrillCommand
{
    /// <summary>The environment variable holding the PostgreSQL connection string.</summary>
    public const string PostgresVariable = "COHORTKIT_PG";

    public static Command Create(CliConsole console)
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Directory for the database files and backups (created when missing).", Required = true };
        var store = new Option<string>("--store") { Description = "sqlite or postgres (connection string in COHORTKIT_PG, else the local socket as the current user).", DefaultValueFactory = _ => "sqlite" };
        store.AcceptOnlyFromAmong("sqlite", "postgres");
        var json = CommonOptions.Json();
        var drill = new Command("drill", "Disaster-recovery drill: commit cohort assignments, exposures and intervention decisions, back up, destroy the primary, restore, verify; report RPO and RTO.")
        {
            dataDir, store, json,
        };
        drill.SetAction(parse =>
        {
            var dir = parse.GetValue(dataDir)!;
            if (File.Exists(dir.FullName))
            {
                throw new ArgumentException($"--data-dir {dir.FullName}: this is a file, not a directory.");
            }

            try
            {
                Directory.CreateDirectory(dir.FullName);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--data-dir {dir.FullName}: cannot create the directory ({ex.Message})", ex);
            }

            CheckWritable(dir.FullName);

            var kind = parse.GetValue(store) == "postgres" ? StateStoreKind.Postgres : StateStoreKind.Sqlite;
            var fromVariable = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 };
            var connection = fromVariable ? Environment.GetEnvironmentVariable(PostgresVariable)! : $"Host=/var/run/postgresql;Username={Environment.UserName};Database=postgres";
            if (kind == StateStoreKind.Postgres)
            {
                CheckConnectionString(connection, fromVariable);
            }

            var options = new DisasterRecoveryDrillOptions { PostgresConnectionString = connection };
            var result = new DisasterRecoveryDrill(options).RunAsync(kind, dir.FullName).GetAwaiter().GetResult();
            var report = new DrDrillReport(result.Committed, result.Restored, result.Lost, result.Duplicated, result.RecoveryPoint.TotalSeconds, result.RecoveryTime.TotalSeconds);
            if (parse.GetValue(json))
            {
                console.WriteJson(report);
            }
            else
            {
                var table = new Table().AddColumns("store", "committed", "restored", "lost", "duplicated", "RPO s", "RTO s");
                table.AddRow(kind.ToString(), Text(report.Committed), Text(report.Restored), Text(report.Lost), Text(report.Duplicated), Text(report.RpoSeconds), Text(report.RtoSeconds));
                console.Ansi.Write(table);
            }

            return result.Lost == 0 && result.Duplicated == 0 ? 0 : CliConsole.Failure;
        });
        return new Command("dr", "Disaster recovery.") { drill };
    }

    /// <summary>Refuses a connection string Npgsql cannot parse, naming where it came from (the raw library message names neither).</summary>
    private static void CheckConnectionString(string connection, bool fromVariable)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            var source = fromVariable ? $"{PostgresVariable} (environment variable)" : "the default local-socket connection string";
            throw new ArgumentException($"{source}: not a valid PostgreSQL connection string ({ex.Message.ReplaceLineEndings(" ")}); e.g. Host=/var/run/postgresql;Username=me;Database=postgres.", ex);
        }
    }

    /// <summary>Refuses a directory the drill cannot write its database files in (e.g. <c>/proc/self</c>, even as root), before
    /// the drill starts: otherwise SQLite fails mid-drill with "unable to open database file" and exit 1, which the restore
    /// runbook reads as a lost or duplicated record.</summary>
    private static void CheckWritable(string directory)
    {
        var probe = Path.Combine(directory, $".cohortkit-dr-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--data-dir {directory}: cannot write files in this directory ({ex.Message})", ex);
        }
    }

    private static string Text(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
