using CohortKit.Deployment.Migrations;

namespace CohortKit.Cli.Deployment;

/// <summary>Tells PostgreSQL from SQLite by the <c>--connection</c> string's keys: <c>Host=</c>/<c>Server=</c> is PostgreSQL,
/// <c>Data Source=</c>/<c>DataSource=</c>/<c>Filename=</c> is SQLite.</summary>
internal static class MigrationConnection
{
    public static SqlDialect Dialect(string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new ArgumentException("--connection: the connection string is empty.");
        }

        var keys = connection.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)[0].Trim().Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (keys.Contains("HOST") || keys.Contains("SERVER"))
        {
            return SqlDialect.Postgres;
        }

        if (keys.Contains("DATASOURCE") || keys.Contains("FILENAME"))
        {
            return SqlDialect.Sqlite;
        }

        throw new ArgumentException("--connection: the connection string names neither Host= (PostgreSQL) nor Data Source= (SQLite).");
    }

    public static IMigrationStore Store(string connection) =>
        Dialect(connection) == SqlDialect.Postgres ? new PostgresMigrationStore(connection) : new SqliteMigrationStore(connection);
}
