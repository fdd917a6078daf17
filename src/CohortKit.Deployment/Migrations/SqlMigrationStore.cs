using System.Data.Common;
using System.Globalization;

// The awaits all carry ConfigureAwait(false); CA2007 also flags the implicit DisposeAsync of "await using" declarations.
#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>What the PostgreSQL and SQLite stores share: the history table and the backfill, over ADO.NET.</summary>
public abstract class SqlMigrationStore : IMigrationStore
{
    /// <summary>The history table's name.</summary>
    public const string HistoryTable = "cohortkit_migrations";

    private protected SqlMigrationStore()
    {
    }

    /// <inheritdoc />
    public abstract SqlDialect Dialect { get; }

    /// <summary>A query returning 1 when the history table exists, 0 when it does not.</summary>
    private protected abstract string HistoryExistsSql { get; }

    /// <summary>The column type of <c>applied_at</c>.</summary>
    private protected abstract string TimestampType { get; }

    /// <inheritdoc />
    public abstract Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken);

    /// <summary>Opens a new connection.</summary>
    private protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Sets the lock timeout for the rest of the transaction (a no-op where the dialect has none).</summary>
    private protected abstract Task SetLockTimeoutAsync(DbConnection connection, DbTransaction transaction, TimeSpan lockTimeout, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async Task EnsureHistoryAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, null,
            $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version BIGINT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, phase TEXT NOT NULL, applied_at {TimestampType} NOT NULL, PRIMARY KEY (version, phase))",
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MigrationHistoryEntry>> ReadHistoryAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = HistoryExistsSql;
        if (Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            return [];
        }

        cmd.CommandText = $"SELECT version, name, checksum, phase, applied_at FROM {HistoryTable} ORDER BY applied_at, version";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<MigrationHistoryEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new MigrationHistoryEntry
            {
                Version = reader.GetInt64(0),
                Name = reader.GetString(1),
                Checksum = reader.GetString(2),
                Phase = Enum.Parse<MigrationPhase>(reader.GetString(3), ignoreCase: true),
                AppliedAt = ReadTimestamp(reader, 4),
            });
        }

        return rows;
    }

    /// <summary>Reads <c>applied_at</c>.</summary>
    private protected abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <summary>The value written to <c>applied_at</c>.</summary>
    private protected abstract object TimestampValue(DateTimeOffset at);

    /// <inheritdoc />
    public async Task ApplyAsync(MigrationHistoryEntry entry, IReadOnlyList<string> statements, bool removeEntry, TimeSpan lockTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(statements);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await SetLockTimeoutAsync(connection, tx, lockTimeout, cancellationToken).ConfigureAwait(false);
        foreach (var statement in statements)
        {
            await ExecuteAsync(connection, tx, statement, cancellationToken).ConfigureAwait(false);
        }

        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = removeEntry
                ? $"DELETE FROM {HistoryTable} WHERE version = @v"
                : $"INSERT INTO {HistoryTable} (version, name, checksum, phase, applied_at) VALUES (@v, @n, @c, @p, @a)";
            Add(cmd, "@v", entry.Version);
            if (!removeEntry)
            {
                Add(cmd, "@p", PhaseText(entry.Phase));
                Add(cmd, "@n", entry.Name);
                Add(cmd, "@c", entry.Checksum);
                Add(cmd, "@a", TimestampValue(entry.AppliedAt));
            }

            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<(long Min, long Max)?> KeyRangeAsync(BackfillStep backfill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT MIN({backfill.KeyColumn}), MAX({backfill.KeyColumn}) FROM {backfill.Table}";
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.IsDBNull(0) ? null : (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public async Task<long> BackfillBatchAsync(BackfillStep backfill, long afterKey, long lastKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"UPDATE {backfill.Table} SET {backfill.Assignments} WHERE {backfill.KeyColumn} > @lo AND {backfill.KeyColumn} <= @hi AND ({backfill.PendingPredicate})";
        Add(cmd, "@lo", afterKey);
        Add(cmd, "@hi", lastKey);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<long> CountPendingAsync(BackfillStep backfill, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(backfill);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {backfill.Table} WHERE {backfill.PendingPredicate}";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The text stored in the <c>phase</c> column.</summary>
    internal static string PhaseText(MigrationPhase phase) => phase.ToString().ToLowerInvariant();

    /// <summary>Runs one statement.</summary>
    private protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds a parameter.</summary>
    private protected static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
