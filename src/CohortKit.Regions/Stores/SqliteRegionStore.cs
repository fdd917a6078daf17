using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CohortKit.Regions.Stores;

/// <summary>The embedded region store: one SQLite file per region (<c>DIR/&lt;region&gt;.db</c>), timestamps as ISO 8601 UTC text.</summary>
/// <remarks>Not thread-safe: one instance per thread or a lock around it.</remarks>
public sealed class SqliteRegionStore : SqlRegionStore
{
    private SqliteRegionStore(string region, SqliteConnection connection)
        : base(region, connection, RegionSchema.Create("TEXT", "REAL", "TEXT"))
    {
    }

    /// <summary>Opens (or creates) the store of a region in a directory.</summary>
    /// <param name="directory">The directory (created when missing).</param>
    /// <param name="region">The region; the file is <c>&lt;region&gt;.db</c>.</param>
    /// <returns>The store.</returns>
    public static SqliteRegionStore Open(string directory, string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        Directory.CreateDirectory(directory);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = PathOf(directory, region), Pooling = false }.ConnectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            // secure_delete: deleted rows are overwritten with zeros, not just marked free, so an erased learner's bytes do not
            // stay readable in the file (GDPR Art. 17; found by the independent review with grep on the .db file).
            pragma.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;";
            pragma.ExecuteNonQuery();
        }

        return new SqliteRegionStore(region, connection);
    }

    /// <summary>The file of a region's store.</summary>
    /// <param name="directory">The directory.</param>
    /// <param name="region">The region.</param>
    /// <returns><c>directory/region.db</c>.</returns>
    public static string PathOf(string directory, string region) => Path.Combine(directory, region + ".db");

    private protected override void WriteRows(DbTransaction transaction, LearnerBatch batch)
    {
        Insert(transaction, "INSERT INTO learners VALUES (@a, @b, @c, @d, @e, @f, @g, @h)", batch.Learners,
            l => [l.LearnerId, l.Country, l.HomeRegion, l.DisplayName, l.Email, l.Plan, l.AgeBand, ToDb(l.RegisteredAt)]);
        Insert(transaction, "INSERT INTO events VALUES (@a, @b, @c, @d)", batch.Events, e => [e.LearnerId, ToDb(e.Timestamp), e.Kind, e.Value]);
        Insert(transaction, "INSERT INTO features VALUES (@a, @b, @c)", batch.Features, f => [f.LearnerId, f.Name, f.Value]);
        Insert(transaction, "INSERT INTO cohort_memberships VALUES (@a, @b)", batch.Cohorts, c => [c.LearnerId, c.Cohort]);
        Insert(transaction, "INSERT INTO decisions VALUES (@a, @b, @c)", batch.Decisions, d => [d.LearnerId, d.Decision, ToDb(d.DecidedAt)]);
    }

    /// <summary>Copies the log into the file and truncates it, so the pre-erasure pages in the write-ahead log are gone too.</summary>
    private protected override void AfterErase(long rows)
    {
        using var checkpoint = Connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
    }

    private protected override object ToDb(DateTimeOffset value) => value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private protected override DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal)
        => DateTimeOffset.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private void Insert<T>(DbTransaction transaction, string sql, IReadOnlyList<T> rows, Func<T, object[]> values)
    {
        if (rows.Count == 0)
        {
            return;
        }

        using var cmd = Command(sql);
        cmd.Transaction = transaction;
        var count = values(rows[0]).Length;
        var parameters = new DbParameter[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = cmd.CreateParameter();
            parameters[i].ParameterName = "@" + (char)('a' + i);
            cmd.Parameters.Add(parameters[i]);
        }

        cmd.Prepare();
        foreach (var row in rows)
        {
            var v = values(row);
            for (var i = 0; i < count; i++)
            {
                parameters[i].Value = v[i];
            }

            cmd.ExecuteNonQuery();
        }
    }
}
