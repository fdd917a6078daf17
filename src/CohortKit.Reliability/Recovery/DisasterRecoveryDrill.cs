using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

// The awaits all carry ConfigureAwait(false); CA2007 also flags the implicit DisposeAsync of "await using" declarations,
// whose ConfiguredAsyncDisposable form would hide the connection and command types this file reads through.
#pragma warning disable CA2007

namespace CohortKit.Reliability.Recovery;

/// <summary>Settings of a drill.</summary>
public sealed class DisasterRecoveryDrillOptions
{
    /// <summary>Gets or sets the committed transactions written before the backup (each writes one row in each of the three tables).</summary>
    /// <value>The default value is 1,000.</value>
    public int Transactions { get; set; } = 1000;

    /// <summary>Gets or sets the PostgreSQL connection string (a role that may create and drop databases); required for <see cref="StateStoreKind.Postgres"/>.</summary>
    /// <value>The default value is null.</value>
    public string? PostgresConnectionString { get; set; }
}

/// <summary>A scripted disaster-recovery drill: write committed CohortKit state, back it up, destroy the primary, restore, and
/// verify that every committed record is back exactly once; reports the RPO and the measured RTO.</summary>
/// <remarks>SQLite: the online backup API (<see cref="SqliteConnection.BackupDatabase(SqliteConnection)"/>) copies the live
/// database; restore copies the backup into a new file. PostgreSQL: every table is exported with a binary COPY inside one
/// repeatable-read transaction (one consistent snapshot) to files in the data directory, then imported into a new database.
/// Records are committed before the backup starts, so the expected RPO is 0: any loss is a defect the drill reports.</remarks>
public sealed class DisasterRecoveryDrill(DisasterRecoveryDrillOptions options, TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    /// <summary>Runs the drill.</summary>
    /// <param name="kind">The backend.</param>
    /// <param name="dataDirectory">A directory for the database files and backups (created when missing).</param>
    /// <param name="cancellationToken">Cancels the drill.</param>
    /// <returns>The counts, RPO and RTO.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="DisasterRecoveryDrillOptions.Transactions"/> is below 1.</exception>
    /// <exception cref="ArgumentException">PostgreSQL was chosen without a connection string.</exception>
    public async Task<DrillResult> RunAsync(StateStoreKind kind, string dataDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Transactions, 1, nameof(options.Transactions));
        if (kind == StateStoreKind.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            throw new ArgumentException("A PostgreSQL drill needs DisasterRecoveryDrillOptions.PostgresConnectionString.", nameof(kind));
        }

        using var activity = ReliabilityTelemetry.ActivitySource.StartActivity("dr.drill");
        Directory.CreateDirectory(dataDirectory);
        var run = $"{_time.GetUtcNow().UtcTicks:x}{Environment.ProcessId:x}";
        return kind == StateStoreKind.Sqlite
            ? await SqliteAsync(Path.Combine(dataDirectory, $"cohortkit-{run}"), cancellationToken).ConfigureAwait(false)
            : await PostgresAsync(options.PostgresConnectionString!, dataDirectory, $"cohortkit_dr_{run}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<(long Key, long Ticks)>> WriteAsync(DbConnection primary, CancellationToken ct)
    {
        await using (var create = primary.CreateCommand())
        {
            create.CommandText = StateSchema.Create(unique: true);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var committed = new List<(long, long)>(options.Transactions * StateSchema.Tables.Length);
        for (var i = 0; i < options.Transactions; i++)
        {
            var key = (long)i * StateSchema.Tables.Length;
            var ticks = _time.GetUtcNow().UtcTicks;
            await StateSchema.InsertAsync(primary, key, ticks, ct).ConfigureAwait(false);
            for (var t = 0; t < StateSchema.Tables.Length; t++)
            {
                committed.Add((key + t, ticks)); // recorded only after the commit returned
            }
        }

        return committed;
    }

    private async Task<DrillResult> SqliteAsync(string stem, CancellationToken ct)
    {
        var primaryPath = stem + ".db";
        var backupPath = stem + ".backup.db";
        var restoredPath = stem + ".restored.db";
        List<(long, long)> committed;
        TimeSpan backupDuration;
        await using (var primary = new SqliteConnection($"Data Source={primaryPath};Pooling=False"))
        {
            await primary.OpenAsync(ct).ConfigureAwait(false);
            await using (var pragma = primary.CreateCommand())
            {
                // WAL with synchronous=FULL: a commit is durable when it returns (one fsync of the log per commit).
                pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
                await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            committed = await WriteAsync(primary, ct).ConfigureAwait(false);
            var watch = Stopwatch.StartNew();
            await using var backup = new SqliteConnection($"Data Source={backupPath};Pooling=False");
            await backup.OpenAsync(ct).ConfigureAwait(false);
            primary.BackupDatabase(backup);
            backupDuration = watch.Elapsed;
        }

        // The disaster: the primary is gone. The RTO runs from then (not counting the deletion itself) to the restore verified.
        var disasterTicks = _time.GetUtcNow().UtcTicks;
        File.Delete(primaryPath);
        var recovery = Stopwatch.StartNew();
        List<(long, long)> restoredRows;
        await using (var source = new SqliteConnection($"Data Source={backupPath};Mode=ReadOnly;Pooling=False"))
        await using (var restored = new SqliteConnection($"Data Source={restoredPath};Pooling=False"))
        {
            await source.OpenAsync(ct).ConfigureAwait(false);
            await restored.OpenAsync(ct).ConfigureAwait(false);
            source.BackupDatabase(restored);
            restoredRows = await StateSchema.ReadAllAsync(restored, ct).ConfigureAwait(false);
        }

        return Compare(StateStoreKind.Sqlite, committed, restoredRows, disasterTicks, () => recovery.Elapsed, backupDuration);
    }

    private async Task<DrillResult> PostgresAsync(string connectionString, string directory, string database, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(connectionString);
        var primaryDb = database + "_primary";
        var restoredDb = database + "_restored";
        await ExecAsync(admin.ConnectionString, $"CREATE DATABASE {primaryDb}", ct).ConfigureAwait(false);
        try
        {
            List<(long, long)> committed;
            var watch = Stopwatch.StartNew();
            await using (var primary = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = primaryDb, Pooling = false }.ConnectionString))
            {
                await primary.OpenAsync(ct).ConfigureAwait(false);
                committed = await WriteAsync(primary, ct).ConfigureAwait(false);
                watch.Restart();
                await using var snapshot = await primary.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
                foreach (var table in StateSchema.Tables)
                {
                    await using var file = File.Create(Path.Combine(directory, $"{database}.{table}.copy"));
                    await using var export = await primary.BeginRawBinaryCopyAsync($"COPY {table} TO STDOUT (FORMAT BINARY)", ct).ConfigureAwait(false);
                    await export.CopyToAsync(file, ct).ConfigureAwait(false);
                }

                await snapshot.CommitAsync(ct).ConfigureAwait(false);
            }

            var backupDuration = watch.Elapsed;

            // The disaster: the primary database is dropped.
            var disasterTicks = _time.GetUtcNow().UtcTicks;
            await ExecAsync(admin.ConnectionString, $"DROP DATABASE {primaryDb} WITH (FORCE)", ct).ConfigureAwait(false);
            var recovery = Stopwatch.StartNew();
            await ExecAsync(admin.ConnectionString, $"CREATE DATABASE {restoredDb}", ct).ConfigureAwait(false);
            List<(long, long)> restoredRows;
            await using (var restored = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = restoredDb, Pooling = false }.ConnectionString))
            {
                await restored.OpenAsync(ct).ConfigureAwait(false);
                await using (var create = restored.CreateCommand())
                {
                    create.CommandText = StateSchema.Create(unique: false);
                    await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                foreach (var table in StateSchema.Tables)
                {
                    await using var file = File.OpenRead(Path.Combine(directory, $"{database}.{table}.copy"));
                    await using var import = await restored.BeginRawBinaryCopyAsync($"COPY {table} FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
                    await file.CopyToAsync(import, ct).ConfigureAwait(false);
                }

                restoredRows = await StateSchema.ReadAllAsync(restored, ct).ConfigureAwait(false);
            }

            return Compare(StateStoreKind.Postgres, committed, restoredRows, disasterTicks, () => recovery.Elapsed, backupDuration);
        }
        finally
        {
            await ExecAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {primaryDb} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
            await ExecAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS {restoredDb} WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await c.OpenAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Counts lost and duplicated records by key (the verification), then reads the recovery time, so that it covers
    /// the verification too. The RPO is 0 when nothing committed was lost; otherwise it runs from the commit time of the
    /// earliest lost record to the disaster: every record committed since then may be missing, a record lost in the middle
    /// included (the newest restored record can be as new as the newest committed one and still hide a loss).</summary>
    internal static DrillResult Compare(
        StateStoreKind kind,
        IReadOnlyList<(long Key, long Ticks)> committed,
        IReadOnlyList<(long Key, long Ticks)> restored,
        long disasterTicks,
        Func<TimeSpan> elapsedSinceDisaster,
        TimeSpan backupDuration)
    {
        var copies = new Dictionary<long, int>(restored.Count);
        foreach (var (key, _) in restored)
        {
            copies[key] = copies.GetValueOrDefault(key) + 1;
        }

        long lost = 0;
        var earliestLost = long.MaxValue;
        foreach (var (key, ticks) in committed)
        {
            if (!copies.ContainsKey(key))
            {
                lost++;
                earliestLost = Math.Min(earliestLost, ticks);
            }
        }

        var duplicated = copies.Values.Sum(n => (long)(n - 1));
        var rto = elapsedSinceDisaster();
        return new DrillResult
        {
            Store = kind,
            Committed = committed.Count,
            Restored = restored.Count,
            Lost = lost,
            Duplicated = duplicated,
            RecoveryPoint = lost == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Math.Max(0, disasterTicks - earliestLost)),
            RecoveryTime = rto,
            BackupDuration = backupDuration,
        };
    }
}
