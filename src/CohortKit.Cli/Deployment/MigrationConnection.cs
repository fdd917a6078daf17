using System.Data.Common;
using CohortKit.Deployment.Migrations;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CohortKit.Cli.Deployment;

/// <summary>Tells PostgreSQL from SQLite by the <c>--connection</c> string's keys (<c>Host=</c>/<c>Server=</c> is PostgreSQL,
/// <c>Data Source=</c>/<c>DataSource=</c>/<c>Filename=</c> is SQLite), and checks that the database can be reached before a
/// command starts: an unparsable string, a host that does not answer, refused credentials or a missing database are bad input
/// (exit 2, one line naming <c>--connection</c>), not a failure with a .NET exception's name.</summary>
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

    /// <summary>Checks the connection string and opens (and closes) one connection.</summary>
    /// <param name="connection">The <c>--connection</c> value.</param>
    /// <param name="readOnly">For SQLite: the database file must exist and is opened read-only (nothing is created); the
    /// returned connection string keeps <c>Mode=ReadOnly</c>.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The dialect and the connection string to use.</returns>
    /// <exception cref="ArgumentException">The string does not parse, the file is missing, or the database cannot be reached.</exception>
    public static async Task<(SqlDialect Dialect, string ConnectionString)> CheckAsync(string? connection, bool readOnly, CancellationToken cancellationToken)
    {
        var dialect = Dialect(connection);
        var name = dialect == SqlDialect.Postgres ? "PostgreSQL" : "SQLite";
        DbConnection db;
        try
        {
            db = dialect == SqlDialect.Postgres ? new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connection).ConnectionString) : Sqlite(connection!, readOnly);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException && ex is not MissingDatabaseException)
        {
            throw new ArgumentException($"--connection: not a valid {name} connection string: {OneLine(ex)}", ex);
        }

        var cs = db.ConnectionString;
        await using (db.ConfigureAwait(false))
        {
            try
            {
                await db.OpenAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is DbException or System.Net.Sockets.SocketException or TimeoutException or IOException or InvalidOperationException or ArgumentException)
            {
                throw new ArgumentException($"--connection: cannot connect to {name}: {OneLine(ex)}", ex);
            }
        }

        return (dialect, cs);
    }

    private static SqliteConnection Sqlite(string connection, bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder(connection);
        if (readOnly)
        {
            var memory = builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:";
            if (!memory && !File.Exists(builder.DataSource))
            {
                throw new MissingDatabaseException($"--connection: the SQLite database '{builder.DataSource}' does not exist (nothing was created).");
            }

            builder.Mode = SqliteOpenMode.ReadOnly;
        }

        return new SqliteConnection(builder.ConnectionString);
    }

    public static IMigrationStore Store(SqlDialect dialect, string connection) =>
        dialect == SqlDialect.Postgres ? new PostgresMigrationStore(connection) : new SqliteMigrationStore(connection);

    /// <summary>A missing SQLite file for a read-only command (bad input, already worded).</summary>
    private sealed class MissingDatabaseException(string message) : ArgumentException(message);

    /// <summary>The message with its inner exception's (a socket error under Npgsql's "Failed to connect"), on one line.</summary>
    private static string OneLine(Exception ex)
    {
        var message = ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? $"{ex.Message.TrimEnd('.')}: {inner.Message}" : ex.Message;
        return message.ReplaceLineEndings(" ").Trim();
    }
}
