using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>The result of an <see cref="ExpandContractDrill"/>.</summary>
public sealed record ExpandContractDrillResult
{
    /// <summary>Gets the rows the table was filled with before the writers started.</summary>
    public required long Rows { get; init; }

    /// <summary>Gets the rows in the table at the end.</summary>
    public required long FinalRows { get; init; }

    /// <summary>Gets the successful writes (inserts and updates) of app version 1 (N).</summary>
    public required long WritesV1 { get; init; }

    /// <summary>Gets the successful writes of app version 2 (N+1).</summary>
    public required long WritesV2 { get; init; }

    /// <summary>Gets the rows inserted by the writers of both versions.</summary>
    public required long Inserted { get; init; }

    /// <summary>Gets the writes that raised an error.</summary>
    public required long FailedWrites { get; init; }

    /// <summary>Gets the rows missing at the end: <see cref="Rows"/> + <see cref="Inserted"/> − <see cref="FinalRows"/>.</summary>
    public long LostRows => Rows + Inserted - FinalRows;

    /// <summary>Gets the rows whose <c>score_band</c> is still NULL at the end.</summary>
    public required long UnfilledRows { get; init; }

    /// <summary>Gets the rows whose <c>score_band</c> disagrees with their score at the end.</summary>
    public required long MismatchedRows { get; init; }

    /// <summary>Gets whether a contract attempted while version 1 still wrote was refused (it must be).</summary>
    public required bool EarlyContractRefused { get; init; }

    /// <summary>Gets how long the backfill took.</summary>
    public required TimeSpan BackfillDuration { get; init; }

    /// <summary>Gets when version 1's last writer had stopped (UTC, from the drill's <see cref="TimeProvider"/>); the contract
    /// phase starts after it.</summary>
    public required DateTimeOffset V1StoppedAt { get; init; }

    /// <summary>Gets the expand, migrate and contract phases, in order.</summary>
    public required IReadOnlyList<MigrationPhaseResult> Phases { get; init; }

    /// <summary>Gets what went wrong, one sentence per finding (failed writes, lost rows, unfilled rows, wrong values, an early
    /// contract that was not refused); empty for a sound migration.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (FailedWrites > 0) { problems.Add($"{FailedWrites} writes failed"); }
            if (LostRows > 0) { problems.Add($"{LostRows} rows lost ({Rows} seeded + {Inserted} inserted, {FinalRows} in the table)"); }
            if (LostRows < 0) { problems.Add($"{-LostRows} rows more than written ({Rows} seeded + {Inserted} inserted, {FinalRows} in the table)"); }
            if (UnfilledRows > 0) { problems.Add($"{UnfilledRows} rows with score_band NULL after the backfill"); }
            if (MismatchedRows > 0) { problems.Add($"{MismatchedRows} rows whose score_band disagrees with their score"); }
            if (!EarlyContractRefused) { problems.Add("the contract was not refused while app version 1 still wrote"); }
            return problems;
        }
    }
}

/// <summary>
/// The expand/contract drill: fills <c>drill_learners</c> with <c>rows</c> rows, starts app version 1 writers, expands (adds
/// <c>score_band</c> and a trigger that keeps it filled for version 1's writes), starts version 2 writers (which write
/// <c>score_band</c> themselves), backfills in batches while both write, tries a contract while version 1 still runs (refused),
/// stops version 1, contracts, lets version 2 write on, and counts writes, failures, lost and unfilled rows.
/// </summary>
/// <remarks>Run it on a scratch database: it drops <c>drill_learners</c> and the drill migration's history rows first, and
/// leaves the table and the history for inspection. It takes the store's single-runner lock before touching anything and
/// holds it to the end, so a second drill (or a migration) on the same database is refused at once
/// (<see cref="MigrationRefusal.Locked"/>), as is a history the drill's expand would refuse (checksum mismatch, out of order):
/// nothing is created or dropped then.</remarks>
public sealed class ExpandContractDrill
{
    /// <summary>The drill's table.</summary>
    public const string Table = "drill_learners";

    /// <summary>The pause of each writer between two writes: a stream of application writes rather than a saturating loop
    /// (SQLite has one writer at a time, and a saturating loop would starve the migration's own transactions).</summary>
    public static readonly TimeSpan WriterPause = TimeSpan.FromMilliseconds(2);

    /// <summary>The drill migration's name in the history.</summary>
    public const string MigrationName = "drill_learners_score_band";

    private readonly IMigrationStore _store;
    private readonly string _connectionString;
    private readonly MigrationOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a drill.</summary>
    /// <param name="dialect">The database kind.</param>
    /// <param name="connectionString">The connection string (Npgsql or Microsoft.Data.Sqlite).</param>
    /// <param name="options">The backfill's options; defaults when null.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    public ExpandContractDrill(SqlDialect dialect, string connectionString, MigrationOptions? options = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _time = time ?? TimeProvider.System;
        _options = options ?? new MigrationOptions();
        MigrationOptionsValidator.ThrowIfInvalid(_options);
        Dialect = dialect;
        _connectionString = connectionString;
        _store = dialect == SqlDialect.Postgres ? new PostgresMigrationStore(connectionString) : new SqliteMigrationStore(connectionString, _time);
    }

    /// <summary>Gets the database kind.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>Gets the drill migration (version 1) for a dialect.</summary>
    /// <param name="dialect">The dialect.</param>
    /// <returns>The migration: expand adds <c>score_band</c> and its trigger, the backfill fills it, contract drops the trigger and
    /// makes the column NOT NULL (PostgreSQL: <c>SET NOT NULL</c>; SQLite, which cannot alter a column: a rebuild of the table).</returns>
    public static Migration Migration(SqlDialect dialect) => dialect == SqlDialect.Postgres
        ? new Migration
        {
            Version = 1,
            Name = MigrationName,
            ExpandedSupports = new(1, 2),
            ContractedSupports = new(2, 2),
            Expand =
            [
                $"ALTER TABLE {Table} ADD COLUMN score_band SMALLINT",
                $"CREATE OR REPLACE FUNCTION {Table}_score_band() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.score_band := floor(NEW.score / 10); RETURN NEW; END $$",
                $"CREATE TRIGGER {Table}_score_band BEFORE INSERT OR UPDATE ON {Table} FOR EACH ROW EXECUTE FUNCTION {Table}_score_band()",
            ],
            Backfill = new BackfillStep { Table = Table, KeyColumn = "id", Assignments = "score_band = floor(score / 10)", PendingPredicate = "score_band IS NULL" },
            Contract =
            [
                $"DROP TRIGGER {Table}_score_band ON {Table}",
                $"DROP FUNCTION {Table}_score_band()",
                $"ALTER TABLE {Table} ALTER COLUMN score_band SET NOT NULL",
            ],
            RollbackExpand =
            [
                $"DROP TRIGGER IF EXISTS {Table}_score_band ON {Table}",
                $"DROP FUNCTION IF EXISTS {Table}_score_band()",
                $"ALTER TABLE {Table} DROP COLUMN IF EXISTS score_band",
            ],
        }
        : new Migration
        {
            Version = 1,
            Name = MigrationName,
            ExpandedSupports = new(1, 2),
            ContractedSupports = new(2, 2),
            Expand =
            [
                $"ALTER TABLE {Table} ADD COLUMN score_band INTEGER",
                $"CREATE TRIGGER {Table}_score_band_insert AFTER INSERT ON {Table} BEGIN UPDATE {Table} SET score_band = CAST(NEW.score / 10 AS INTEGER) WHERE id = NEW.id; END",
                $"CREATE TRIGGER {Table}_score_band_update AFTER UPDATE OF score ON {Table} BEGIN UPDATE {Table} SET score_band = CAST(NEW.score / 10 AS INTEGER) WHERE id = NEW.id; END",
            ],
            Backfill = new BackfillStep { Table = Table, KeyColumn = "id", Assignments = "score_band = CAST(score / 10 AS INTEGER)", PendingPredicate = "score_band IS NULL" },
            // SQLite cannot ALTER COLUMN … SET NOT NULL: the contract rebuilds the table with score_band NOT NULL, copies the rows
            // (ids and the AUTOINCREMENT counter kept) and swaps it in, in the phase's one transaction.
            Contract =
            [
                $"DROP TRIGGER {Table}_score_band_insert",
                $"DROP TRIGGER {Table}_score_band_update",
                $"CREATE TABLE {Table}_contracted (id INTEGER PRIMARY KEY AUTOINCREMENT, score REAL NOT NULL, writer_version INTEGER NOT NULL, score_band INTEGER NOT NULL)",
                $"INSERT INTO {Table}_contracted (id, score, writer_version, score_band) SELECT id, score, writer_version, score_band FROM {Table}",
                $"DROP TABLE {Table}",
                $"ALTER TABLE {Table}_contracted RENAME TO {Table}",
            ],
            RollbackExpand = [$"DROP TRIGGER IF EXISTS {Table}_score_band_insert", $"DROP TRIGGER IF EXISTS {Table}_score_band_update", $"ALTER TABLE {Table} DROP COLUMN score_band"],
        };

    /// <summary>Runs the drill.</summary>
    /// <param name="rows">Rows to fill the table with first (≥ 1).</param>
    /// <param name="writersPerVersion">Concurrent writers of each app version (≥ 1).</param>
    /// <param name="seed">Seeds the writers' scores and row choices.</param>
    /// <param name="progress">Receives the fraction of the backfill's first pass done.</param>
    /// <param name="cancellationToken">Cancels the drill.</param>
    /// <returns>The counts; a sound migration has no failed write, no lost, unfilled or mismatched row, and a refused early contract.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> or <paramref name="writersPerVersion"/> is below 1.</exception>
    /// <exception cref="MigrationRefusedException">Another runner holds the lock, or the history has another migration of version
    /// 1 (checksum mismatch), a later one, or one not contracted; nothing was created.</exception>
    public async Task<ExpandContractDrillResult> RunAsync(long rows, int writersPerVersion = 2, long seed = 42, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(writersPerVersion, 1);
        var migration = Migration(Dialect);

        // The single-runner lock first, held for the whole drill (its phases run under it), then the history checks an expand
        // would make: a second drill or a migration in progress, a checksum mismatch or an out-of-order history is refused
        // before anything is created or dropped.
        await using var held = await _store.AcquireLockAsync(migration.Version, MigrationPhase.Expand, cancellationToken).ConfigureAwait(false);
        var others = (await _store.ReadHistoryAsync(cancellationToken).ConfigureAwait(false)).Where(h => h.Name != MigrationName).ToList();
        MigrationController.CheckChecksum(migration, MigrationPhase.Expand, others);
        MigrationController.CheckExpandOrder(migration, others);
        var controller = new MigrationController(_options, new LockHeldStore(_store), _time);
        await PrepareAsync(rows, seed, cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunPhasesAsync(controller, migration, rows, writersPerVersion, seed, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (MigrationRefusedException)
        {
            // Nothing half-applied: what this run created goes (the refused phase itself rolled back).
            await DropAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<ExpandContractDrillResult> RunPhasesAsync(MigrationController controller, Migration migration, long rows, int writersPerVersion, long seed,
        IProgress<double>? progress, CancellationToken cancellationToken)
    {

        var phases = new List<MigrationPhaseResult>();
        using var v1 = new WriterGroup(this, 1, writersPerVersion, rows, seed);
        using var v2 = new WriterGroup(this, 2, writersPerVersion, rows, seed + 1_000);
        v1.Start();
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
            phases.Add(await controller.ExpandAsync(migration, [1], cancellationToken).ConfigureAwait(false));
            v2.Start();
            phases.Add(await controller.BackfillAsync(migration, progress, cancellationToken).ConfigureAwait(false));
            bool earlyRefused;
            try
            {
                await controller.ContractAsync(migration, [1, 2], cancellationToken).ConfigureAwait(false);
                earlyRefused = false;
            }
            catch (MigrationRefusedException e) when (e.Reason == MigrationRefusal.UnsupportedAppVersion)
            {
                earlyRefused = true;
            }

            await v1.StopAsync().ConfigureAwait(false);
            var v1Stopped = _time.GetUtcNow();
            phases.Add(await controller.ContractAsync(migration, [2], cancellationToken).ConfigureAwait(false));
            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, cancellationToken).ConfigureAwait(false);
            await v2.StopAsync().ConfigureAwait(false);
            var (final, unfilled, mismatched) = await VerifyAsync(cancellationToken).ConfigureAwait(false);
            return new ExpandContractDrillResult
            {
                Rows = rows,
                FinalRows = final,
                WritesV1 = v1.Writes,
                WritesV2 = v2.Writes,
                Inserted = v1.Inserted + v2.Inserted,
                FailedWrites = v1.Failed + v2.Failed,
                UnfilledRows = unfilled,
                MismatchedRows = mismatched,
                EarlyContractRefused = earlyRefused,
                BackfillDuration = phases[1].Duration,
                V1StoppedAt = v1Stopped,
                Phases = phases,
            };
        }
        finally
        {
            await v1.StopAsync().ConfigureAwait(false);
            await v2.StopAsync().ConfigureAwait(false);
        }
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Dialect == SqlDialect.Postgres ? new NpgsqlConnection(_connectionString) : new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>Drops the drill's table, trigger(s) and function and its history rows (those of <see cref="MigrationName"/>).</summary>
    private async Task DropAsync(CancellationToken cancellationToken)
    {
        await _store.EnsureHistoryAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var pg = Dialect == SqlDialect.Postgres;
        if (!pg)
        {
            await ExecAsync(connection, $"DROP TRIGGER IF EXISTS {Table}_score_band_insert", cancellationToken).ConfigureAwait(false);
            await ExecAsync(connection, $"DROP TRIGGER IF EXISTS {Table}_score_band_update", cancellationToken).ConfigureAwait(false);
        }

        await ExecAsync(connection, $"DROP TABLE IF EXISTS {Table}", cancellationToken).ConfigureAwait(false);
        if (pg)
        {
            await ExecAsync(connection, $"DROP FUNCTION IF EXISTS {Table}_score_band()", cancellationToken).ConfigureAwait(false);
        }

        await ExecAsync(connection, $"DELETE FROM {SqlMigrationStore.HistoryTable} WHERE name = '{MigrationName}'", cancellationToken).ConfigureAwait(false);
    }

    private async Task PrepareAsync(long rows, long seed, CancellationToken cancellationToken)
    {
        await DropAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var pg = Dialect == SqlDialect.Postgres;
        if (!pg)
        {
            await ExecAsync(connection, "PRAGMA journal_mode=WAL", cancellationToken).ConfigureAwait(false);
        }

        await ExecAsync(connection, pg
            ? $"CREATE TABLE {Table} (id BIGSERIAL PRIMARY KEY, score DOUBLE PRECISION NOT NULL, writer_version INT NOT NULL)"
            : $"CREATE TABLE {Table} (id INTEGER PRIMARY KEY AUTOINCREMENT, score REAL NOT NULL, writer_version INTEGER NOT NULL)", cancellationToken).ConfigureAwait(false);
        var random = new Random(unchecked((int)seed));
        if (connection is NpgsqlConnection npgsql)
        {
            await using (var import = await npgsql.BeginBinaryImportAsync($"COPY {Table} (score, writer_version) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                for (long i = 0; i < rows; i++)
                {
                    await import.StartRowAsync(cancellationToken).ConfigureAwait(false);
                    await import.WriteAsync(random.NextDouble() * 100, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                    await import.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                }

                await import.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecAsync(connection, $"ANALYZE {Table}", cancellationToken).ConfigureAwait(false);
            return;
        }

        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT INTO {Table} (score, writer_version) VALUES (@s, 0)";
        var score = insert.CreateParameter();
        score.ParameterName = "@s";
        insert.Parameters.Add(score);
        for (long i = 0; i < rows; i++)
        {
            score.Value = random.NextDouble() * 100;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<(long Final, long Unfilled, long Mismatched)> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var band = Dialect == SqlDialect.Postgres ? "floor(score / 10)" : "CAST(score / 10 AS INTEGER)";
        var final = await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Table}", cancellationToken).ConfigureAwait(false);
        var unfilled = await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Table} WHERE score_band IS NULL", cancellationToken).ConfigureAwait(false);
        var mismatched = await ScalarAsync(connection, $"SELECT COUNT(*) FROM {Table} WHERE score_band <> {band}", cancellationToken).ConfigureAwait(false);
        return (final, unfilled, mismatched);
    }

    private static async Task ExecAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.CommandTimeout = 0;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The writers of one app version: each alternates an insert and an update of a random existing row, one
    /// autocommit statement at a time, <see cref="WriterPause"/> apart, until stopped. Version 2 writes <c>score_band</c> itself; version 1 does not know it.</summary>
    private sealed class WriterGroup(ExpandContractDrill drill, int version, int writers, long initialRows, long seed) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _tasks = [];
        private long _writes;
        private long _inserted;
        private long _failed;

        public long Writes => Interlocked.Read(ref _writes);

        public long Inserted => Interlocked.Read(ref _inserted);

        public long Failed => Interlocked.Read(ref _failed);

        public void Start()
        {
            for (var w = 0; w < writers; w++)
            {
                var writerSeed = unchecked((int)(seed * 31 + w));
                _tasks.Add(Task.Run(() => WriteAsync(writerSeed)));
            }
        }

        public void Dispose() => _stop.Dispose();

        public async Task StopAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_tasks).ConfigureAwait(false);
        }

        private async Task WriteAsync(int writerSeed)
        {
            var random = new Random(writerSeed);
            await using var connection = await drill.OpenAsync(CancellationToken.None).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            await using var update = connection.CreateCommand();
            insert.CommandText = version == 1
                ? $"INSERT INTO {Table} (score, writer_version) VALUES (@s, 1)"
                : $"INSERT INTO {Table} (score, score_band, writer_version) VALUES (@s, @b, 2)";
            update.CommandText = version == 1
                ? $"UPDATE {Table} SET score = @s, writer_version = 1 WHERE id = @id"
                : $"UPDATE {Table} SET score = @s, score_band = @b, writer_version = 2 WHERE id = @id";
            for (var i = 0L; !_stop.IsCancellationRequested; i++)
            {
                var command = i % 2 == 0 ? insert : update;
                var score = random.NextDouble() * 100;
                command.Parameters.Clear();
                Add(command, "@s", score);
                if (version == 2)
                {
                    Add(command, "@b", (int)Math.Floor(score / 10));
                }

                if (command == update)
                {
                    Add(command, "@id", 1 + random.NextInt64(initialRows));
                }

                try
                {
                    // Not cancelled by the stop signal: a write once started finishes, so a stop never counts as a failure.
                    await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
                    Interlocked.Increment(ref _writes);
                    if (command == insert)
                    {
                        Interlocked.Increment(ref _inserted);
                    }
                }
                catch (DbException)
                {
                    Interlocked.Increment(ref _failed);
                }

                await Task.Delay(WriterPause, drill._time, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private static void Add(DbCommand cmd, string name, object value)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }
    }
}
