using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace CohortKit.Regions.Stores;

/// <summary>The PostgreSQL region store: one database per region, written with binary COPY, timestamps as <c>timestamptz</c>.</summary>
/// <remarks>Not thread-safe: one instance per thread or a lock around it.</remarks>
public sealed class PostgresRegionStore : SqlRegionStore
{
    private PostgresRegionStore(string region, NpgsqlConnection connection)
        : base(region, connection, RegionSchema.Create("TEXT", "DOUBLE PRECISION", "TIMESTAMPTZ"))
    {
    }

    /// <summary>Opens the store of a region in its own database, creating the database when it does not exist.</summary>
    /// <param name="connectionString">A connection string for a role that may create databases (its database is used only to
    /// create the region's).</param>
    /// <param name="region">The region.</param>
    /// <param name="databaseName">The region's database: lower-case letters, digits and '_'.</param>
    /// <returns>The store.</returns>
    /// <exception cref="ArgumentException"><paramref name="databaseName"/> is not a plain lower-case identifier.</exception>
    public static PostgresRegionStore Open(string connectionString, string region, string databaseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        CheckDatabaseName(databaseName);
        using (var admin = new NpgsqlConnection(connectionString))
        {
            admin.Open();
            using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", admin);
            exists.Parameters.AddWithValue("n", databaseName);
            if (exists.ExecuteScalar() is null)
            {
                using var create = new NpgsqlCommand($"CREATE DATABASE {databaseName}", admin);
                create.ExecuteNonQuery();
            }
        }

        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = databaseName }.ConnectionString);
        connection.Open();
        return new PostgresRegionStore(region, connection);
    }

    /// <summary>Drops a region's database (e.g. after a test).</summary>
    /// <param name="connectionString">A connection string for a role that may drop it.</param>
    /// <param name="databaseName">The database.</param>
    public static void Drop(string connectionString, string databaseName)
    {
        CheckDatabaseName(databaseName);
        NpgsqlConnection.ClearAllPools();
        using var admin = new NpgsqlConnection(connectionString);
        admin.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)", admin);
        drop.ExecuteNonQuery();
    }

    private static void CheckDatabaseName(string databaseName)
    {
        ArgumentNullException.ThrowIfNull(databaseName);
        if (databaseName.Length is 0 or > 63 || !databaseName.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_') || char.IsDigit(databaseName[0]))
        {
            throw new ArgumentException($"Database name '{databaseName}' must be 1–63 lower-case letters, digits or '_', not starting with a digit.", nameof(databaseName));
        }
    }

    private protected override void WriteRows(DbTransaction transaction, LearnerBatch batch)
    {
        var c = (NpgsqlConnection)Connection;
        Copy(c, "learners (learner_id, country, home_region, display_name, email, plan, age_band, registered_at)", batch.Learners, (w, l) =>
        {
            w.Write(l.LearnerId); w.Write(l.Country); w.Write(l.HomeRegion); w.Write(l.DisplayName);
            w.Write(l.Email); w.Write(l.Plan); w.Write(l.AgeBand); w.Write(l.RegisteredAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        });
        Copy(c, "events (learner_id, \"timestamp\", kind, value)", batch.Events, (w, e) =>
        {
            w.Write(e.LearnerId); w.Write(e.Timestamp.UtcDateTime, NpgsqlDbType.TimestampTz); w.Write(e.Kind); w.Write(e.Value);
        });
        Copy(c, "features (learner_id, name, value)", batch.Features, (w, f) => { w.Write(f.LearnerId); w.Write(f.Name); w.Write(f.Value); });
        Copy(c, "cohort_memberships (learner_id, cohort)", batch.Cohorts, (w, m) => { w.Write(m.LearnerId); w.Write(m.Cohort); });
        Copy(c, "decisions (learner_id, decision, decided_at)", batch.Decisions, (w, d) =>
        {
            w.Write(d.LearnerId); w.Write(d.Decision); w.Write(d.DecidedAt.UtcDateTime, NpgsqlDbType.TimestampTz);
        });
    }

    /// <summary>Rewrites the learner tables and their indexes with <c>VACUUM FULL</c> when the erasure deleted rows: a DELETE
    /// leaves the rows as dead tuples, and even a plain VACUUM leaves their bytes in the freed space of the heap pages and in
    /// the primary-key index (seen with pageinspect), so only a rewrite removes them from the database's files. It takes an
    /// exclusive lock on each table while it copies the live rows. The write-ahead log and backups still hold the rows until
    /// they are recycled or expire (docs/regions.md).</summary>
    private protected override void AfterErase(long rows)
    {
        if (rows == 0)
        {
            return;
        }

        WaitForOlderSnapshots();
        using var vacuum = Command($"VACUUM FULL {string.Join(", ", RegionSchema.LearnerTables)}");
        vacuum.CommandTimeout = 0;
        vacuum.ExecuteNonQuery();
    }

    /// <summary>VACUUM FULL copies a deleted row that another transaction of this database may still see, so it would keep
    /// an erased learner's bytes while any snapshot older than the erasure lives (an auto-analyze that began before it did, in
    /// a CI run; sessions of other databases count too, e.g. one creating a database). Waits, up to <see cref="SnapshotWait"/>,
    /// until no other session of the cluster holds a snapshot or runs a transaction older than a transaction id taken now
    /// (an older running transaction anywhere would put the rewrite's own snapshot before the erasure), after the erasure committed; past that the rewrite runs anyway and a row still
    /// visible to that old snapshot survives it until the next erasure's rewrite (docs/regions.md).</summary>
    private void WaitForOlderSnapshots()
    {
        using var now = Command("SELECT txid_current() % 4294967296");
        var xid = Convert.ToInt64(now.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        using var older = Command(
            "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() " +
            "AND (age(backend_xmin) > age(@xid::text::xid) OR age(backend_xid) > age(@xid::text::xid))");
        older.Parameters.Add(new NpgsqlParameter("xid", xid.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Convert.ToInt64(older.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0 && clock.Elapsed < SnapshotWait)
        {
            Thread.Sleep(20);
        }
    }

    /// <summary>The longest <see cref="WaitForOlderSnapshots"/> waits.</summary>
    private static readonly TimeSpan SnapshotWait = TimeSpan.FromSeconds(30);

    private protected override object ToDb(DateTimeOffset value) => value.UtcDateTime;

    private protected override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
        => new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    private static void Copy<T>(NpgsqlConnection connection, string table, IReadOnlyList<T> rows, Action<NpgsqlBinaryImporter, T> write)
    {
        if (rows.Count == 0)
        {
            return;
        }

        using var importer = connection.BeginBinaryImport($"COPY {table} FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            importer.StartRow();
            write(importer, row);
        }

        importer.Complete();
    }
}
