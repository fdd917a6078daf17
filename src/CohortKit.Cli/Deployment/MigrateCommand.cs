using System.CommandLine;
using CohortKit.Cli.Output;

namespace CohortKit.Cli.Deployment;

/// <summary><c>cohortkit migrate</c>: online expand/contract migrations (<c>drill</c>, <c>status</c>).</summary>
internal static class MigrateCommand
{
    public static Command Create(CliConsole console) =>
        new("migrate", "Online expand/migrate/contract schema migrations.") { MigrateDrillCommand.Create(console), MigrateStatusCommand.Create(console) };

    /// <summary><c>--connection</c>: a PostgreSQL (Host=…) or SQLite (Data Source=…) connection string.</summary>
    public static Option<string> Connection() =>
        new("--connection") { Description = "Connection string: PostgreSQL (Host=...;Username=...;Database=...) or SQLite (Data Source=FILE).", Required = true };
}
