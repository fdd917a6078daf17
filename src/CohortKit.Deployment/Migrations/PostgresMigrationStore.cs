using System.Data.Common;
using System.Globalization;
using Npgsql;

#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>Runs migrations on PostgreSQL: transactional DDL, <c>lock_timeout</c> per phase, and a session-level advisory lock
/// so that one runner at a time touches the schema.</summary>
/// <remarks>Thread-safe: every call opens its own connection.</remarks>
public sealed class PostgresMigrationStore : SqlMigrationStore
{
    /// <summary>The advisory lock key (the ASCII of "CohortKt" as a 64-bit integer).</summary>
    public const long AdvisoryLockKey = 0x436F686F72744B74;

    private readonly string _connectionString;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public PostgresMigrationStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;
    }

    /// <inheritdoc />
    public override SqlDialect Dialect => SqlDialect.Postgres;

    private protected override string TimestampType => "TIMESTAMPTZ";

    private protected override string HistoryExistsSql => $"SELECT CASE WHEN to_regclass('{HistoryTable}') IS NULL THEN 0 ELSE 1 END";

    /// <inheritdoc />
    public override async Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({AdvisoryLockKey})", connection);
            if (await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new MigrationRefusedException(version, phase, MigrationRefusal.Locked,
                    $"another runner holds the PostgreSQL advisory lock {AdvisoryLockKey}.");
            }

            return new AdvisoryLock(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private protected override async Task SetLockTimeoutAsync(DbConnection connection, DbTransaction transaction, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        var ms = Math.Max(1, (long)lockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await ExecuteAsync(connection, transaction, $"SET LOCAL lock_timeout = {ms}", cancellationToken).ConfigureAwait(false);
    }

    private protected override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private protected override object TimestampValue(DateTimeOffset at) => at.UtcDateTime;

    private sealed class AdvisoryLock(NpgsqlConnection connection) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_unlock({AdvisoryLockKey})", connection);
                await cmd.ExecuteScalarAsync().ConfigureAwait(false);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
