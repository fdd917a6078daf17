using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>Runs migrations on SQLite (the embedded default): transactional DDL, and a lock row in
/// <c>cohortkit_migration_lock</c> (one row at most, by a CHECK on its key) so that one runner at a time touches the schema.</summary>
/// <remarks>A runner that dies while holding the lock leaves its row, which names the holder and when it took the lock;
/// delete the row by hand once sure the runner is gone (SQLite has no session to tie the lock to). Thread-safe: every call
/// opens its own connection.</remarks>
public sealed class SqliteMigrationStore : SqlMigrationStore
{
    /// <summary>The lock table's name.</summary>
    public const string LockTable = "cohortkit_migration_lock";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="time">The clock for the lock row's timestamp; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public SqliteMigrationStore(string connectionString, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = new SqliteConnectionStringBuilder(connectionString).ConnectionString;
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public override SqlDialect Dialect => SqlDialect.Sqlite;

    private protected override string TimestampType => "TEXT";

    /// <inheritdoc />
    public override async Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null, $"CREATE TABLE IF NOT EXISTS {LockTable} (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, acquired_at TEXT NOT NULL)", cancellationToken).ConfigureAwait(false);
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"INSERT INTO {LockTable} (id, holder, acquired_at) VALUES (1, @h, @a) ON CONFLICT (id) DO NOTHING";
        Add(cmd, "@h", holder);
        Add(cmd, "@a", _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new MigrationRefusedException(version, phase, MigrationRefusal.Locked, $"another runner holds the lock row in {LockTable}.");
        }

        return new LockRow(this, holder);
    }

    private protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private protected override Task SetLockTimeoutAsync(DbConnection connection, DbTransaction transaction, TimeSpan lockTimeout, CancellationToken cancellationToken) => Task.CompletedTask;

    private protected override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal) =>
        DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private protected override object TimestampValue(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    private sealed class LockRow(SqliteMigrationStore store, string holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var connection = await store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"DELETE FROM {LockTable} WHERE holder = @h";
            Add(cmd, "@h", holder);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
