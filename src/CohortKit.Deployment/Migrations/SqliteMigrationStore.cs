using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>Runs migrations on SQLite (the embedded default): transactional DDL, and a leased lock row in
/// <c>cohortkit_migration_lock</c> (one row at most, by a CHECK on its key) so that one runner at a time touches the schema.</summary>
/// <remarks>
/// <para>SQLite has no session to tie a lock to, so the row is a lease: it names its holder (machine, process id) and an expiry
/// <see cref="Lease"/> after it was taken, and the holder renews it every third of the lease on a <see cref="TimeProvider"/>
/// timer. A runner that dies holding it (a killed process renews nothing) blocks others only until the lease expires; then the
/// next runner takes the row over. A live runner that cannot renew for a whole lease (a stall, a long-held write lock) can lose
/// it; the phases stay safe because each phase's statements and its history row (keyed by version and phase) commit in one
/// transaction, so a phase applied twice fails on the key and rolls back, and backfill batches only touch pending rows.</para>
/// <para>Thread-safe: every call opens its own connection.</para>
/// </remarks>
public sealed class SqliteMigrationStore : SqlMigrationStore
{
    /// <summary>The lock table's name.</summary>
    public const string LockTable = "cohortkit_migration_lock";

    private readonly string _connectionString;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    /// <param name="time">The clock for the lock's lease and heartbeat; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="lease">How long the lock row holds without a heartbeat; 30 seconds by default.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lease"/> is under one second.</exception>
    public SqliteMigrationStore(string connectionString, TimeProvider? time = null, TimeSpan? lease = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Lease = lease ?? TimeSpan.FromSeconds(30);
        ArgumentOutOfRangeException.ThrowIfLessThan(Lease, TimeSpan.FromSeconds(1), nameof(lease));
        _connectionString = new SqliteConnectionStringBuilder(connectionString).ConnectionString;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets how long the lock row holds without a heartbeat (the holder renews it every third of this).</summary>
    public TimeSpan Lease { get; }

    /// <inheritdoc />
    public override SqlDialect Dialect => SqlDialect.Sqlite;

    private protected override string TimestampType => "TEXT";

    private protected override string HistoryExistsSql => $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{HistoryTable}'";

    /// <inheritdoc />
    /// <exception cref="MigrationRefusedException">Another runner holds an unexpired lease (<see cref="MigrationRefusal.Locked"/>;
    /// the message names it, its process id and when the lease expires).</exception>
    public override async Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            $"CREATE TABLE IF NOT EXISTS {LockTable} (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, pid INTEGER NOT NULL, acquired_at TEXT NOT NULL, expires_at_ms INTEGER NOT NULL)",
            cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await UpgradeLockTableAsync(connection, now, cancellationToken).ConfigureAwait(false);
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        await using (var take = connection.CreateCommand())
        {
            // Insert the row, or take over one whose lease has expired; an unexpired row is left alone (0 rows changed).
            take.CommandText = $"INSERT INTO {LockTable} (id, holder, pid, acquired_at, expires_at_ms) VALUES (1, @h, @pid, @a, @e) " +
                "ON CONFLICT (id) DO UPDATE SET holder = excluded.holder, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at_ms = excluded.expires_at_ms " +
                "WHERE expires_at_ms <= @now";
            Add(take, "@h", holder);
            Add(take, "@pid", Environment.ProcessId);
            Add(take, "@a", TimestampValue(now));
            Add(take, "@e", ExpiresAtMs(now));
            Add(take, "@now", now.ToUnixTimeMilliseconds());
            if (await take.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                return new LockRow(this, holder);
            }
        }

        await using var read = connection.CreateCommand();
        read.CommandText = $"SELECT holder, pid, expires_at_ms FROM {LockTable} WHERE id = 1";
        await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var who = await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? string.Create(CultureInfo.InvariantCulture, $"runner {reader.GetString(0)} (process {reader.GetInt64(1)}) holds the lock row in {LockTable} until {DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)):O}; the row is taken over if its lease is not renewed by then.")
            : $"another runner holds the lock row in {LockTable}.";
        throw new MigrationRefusedException(version, phase, MigrationRefusal.Locked, who);
    }

    /// <summary>Adds the lease columns to a lock table made by an earlier version (<c>id, holder, acquired_at</c>), in one
    /// transaction. A row already there (an earlier runner, perhaps still alive) gets a full lease from now: it blocks for one
    /// lease at most, as a killed runner's row does.</summary>
    private async Task UpgradeLockTableAsync(DbConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var columns = connection.CreateCommand();
        columns.Transaction = tx;
        columns.CommandText = $"SELECT name FROM pragma_table_info('{LockTable}')";
        var have = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using (var reader = await columns.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                have.Add(reader.GetString(0));
            }
        }

        if (have.Contains("pid") && have.Contains("expires_at_ms"))
        {
            return;
        }

        if (!have.Contains("pid"))
        {
            await ExecuteAsync(connection, tx, $"ALTER TABLE {LockTable} ADD COLUMN pid INTEGER NOT NULL DEFAULT 0", cancellationToken).ConfigureAwait(false);
        }

        if (!have.Contains("expires_at_ms"))
        {
            await ExecuteAsync(connection, tx, $"ALTER TABLE {LockTable} ADD COLUMN expires_at_ms INTEGER NOT NULL DEFAULT 0", cancellationToken).ConfigureAwait(false);
            await using var grace = connection.CreateCommand();
            grace.Transaction = tx;
            grace.CommandText = $"UPDATE {LockTable} SET expires_at_ms = @e";
            Add(grace, "@e", ExpiresAtMs(now));
            await grace.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private long ExpiresAtMs(DateTimeOffset now) => (now + Lease).ToUnixTimeMilliseconds();

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

    /// <summary>The held lease: renewed every third of the lease until disposed, then deleted.</summary>
    private sealed class LockRow : IAsyncDisposable
    {
        private readonly SqliteMigrationStore _store;
        private readonly string _holder;
        private readonly ITimer _heartbeat;

        public LockRow(SqliteMigrationStore store, string holder)
        {
            _store = store;
            _holder = holder;
            var every = store.Lease / 3;
            _heartbeat = store._time.CreateTimer(_ => Renew(), null, every, every);
        }

        public async ValueTask DisposeAsync()
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
            await using var connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"DELETE FROM {LockTable} WHERE holder = @h";
            Add(cmd, "@h", _holder);
            await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        private void Renew()
        {
            try
            {
                using var connection = new SqliteConnection(_store._connectionString);
                connection.Open();
                using var cmd = connection.CreateCommand();
                cmd.CommandText = $"UPDATE {LockTable} SET expires_at_ms = @e WHERE holder = @h";
                Add(cmd, "@e", _store.ExpiresAtMs(_store._time.GetUtcNow()));
                Add(cmd, "@h", _holder);
                cmd.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // Busy or locked right now: the next beat retries; a lease that cannot be renewed for its whole length expires.
            }
        }
    }
}
