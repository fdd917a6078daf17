using System.Data.Common;

namespace CohortKit.Regions.Stores;

/// <summary>What the SQLite and PostgreSQL stores share: reads, erasure and totals in portable SQL over one open connection.
/// Subclasses supply the bulk write and the timestamp representation.</summary>
public abstract class SqlRegionStore : IRegionStore
{
    /// <summary>Creates the store over an open connection and creates the tables when missing.</summary>
    /// <param name="region">The region.</param>
    /// <param name="connection">An open connection, owned by the store from now on.</param>
    /// <param name="createSql">The dialect's CREATE statements.</param>
    private protected SqlRegionStore(string region, DbConnection connection, string createSql)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        Region = region;
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Execute(createSql);
    }

    /// <inheritdoc />
    public string Region { get; }

    /// <summary>Gets the open connection.</summary>
    private protected DbConnection Connection { get; }

    /// <inheritdoc />
    public void Write(LearnerBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var tx = Connection.BeginTransaction();
        WriteRows(tx, batch);
        tx.Commit();
    }

    /// <summary>Writes the rows inside the transaction.</summary>
    /// <param name="transaction">The open transaction.</param>
    /// <param name="batch">The rows.</param>
    private protected abstract void WriteRows(DbTransaction transaction, LearnerBatch batch);

    /// <summary>The database value of a timestamp.</summary>
    private protected abstract object ToDb(DateTimeOffset value);

    /// <summary>Reads a timestamp column.</summary>
    private protected abstract DateTimeOffset ReadTimestamp(DbDataReader reader, int ordinal);

    /// <inheritdoc />
    public LearnerRecord? FindLearner(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        using var cmd = Command("SELECT learner_id, country, home_region, display_name, email, plan, age_band, registered_at FROM learners WHERE learner_id = @id", ("@id", learnerId));
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new LearnerRecord
            {
                LearnerId = r.GetString(0), Country = r.GetString(1), HomeRegion = r.GetString(2), DisplayName = r.GetString(3),
                Email = r.GetString(4), Plan = r.GetString(5), AgeBand = r.GetString(6), RegisteredAt = ReadTimestamp(r, 7),
            }
            : null;
    }

    /// <inheritdoc />
    public LearnerBatch ReadLearner(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        return new LearnerBatch
        {
            Learners = FindLearner(learnerId) is { } l ? [l] : [],
            Events = Read("SELECT learner_id, \"timestamp\", kind, value FROM events WHERE learner_id = @id ORDER BY \"timestamp\", kind, value", learnerId,
                r => new LearnerEvent(r.GetString(0), ReadTimestamp(r, 1), r.GetString(2), r.GetDouble(3))),
            Features = Read("SELECT learner_id, name, value FROM features WHERE learner_id = @id ORDER BY name", learnerId,
                r => new LearnerFeature(r.GetString(0), r.GetString(1), r.GetDouble(2))),
            Cohorts = Read("SELECT learner_id, cohort FROM cohort_memberships WHERE learner_id = @id ORDER BY cohort", learnerId,
                r => new CohortMembership(r.GetString(0), r.GetString(1))),
            Decisions = Read("SELECT learner_id, decision, decided_at FROM decisions WHERE learner_id = @id ORDER BY decided_at, decision", learnerId,
                r => new LearnerDecision(r.GetString(0), r.GetString(1), ReadTimestamp(r, 2))),
        };
    }

    /// <inheritdoc />
    public long EraseLearner(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        using var tx = Connection.BeginTransaction();
        long rows = 0;
        foreach (var table in RegionSchema.LearnerTables)
        {
            using var cmd = Command($"DELETE FROM {table} WHERE learner_id = @id", ("@id", learnerId));
            cmd.Transaction = tx;
            rows += cmd.ExecuteNonQuery();
        }

        tx.Commit();
        AfterErase(rows);
        return rows;
    }

    /// <summary>Runs after an erasure committed: a backend that keeps deleted bytes readable (a write-ahead log, dead tuples)
    /// clears them here.</summary>
    /// <param name="rows">The rows the erasure deleted.</param>
    private protected virtual void AfterErase(long rows)
    {
    }

    /// <inheritdoc />
    public IEnumerable<LearnerTotal> LearnerTotals(string kind, string groupColumn)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var sql = RegionSchema.TotalsQuery(groupColumn);
        return Iterate();

        IEnumerable<LearnerTotal> Iterate()
        {
            using var cmd = Command(sql, ("@kind", kind));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                yield return new LearnerTotal(r.GetString(0), r.GetString(1), r.GetDouble(2));
            }
        }
    }

    /// <summary>Closes the connection.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the connection.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }

    /// <summary>A command on the store's connection with parameters.</summary>
    private protected DbCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            cmd.Parameters.Add(p);
        }

        return cmd;
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private List<T> Read<T>(string sql, string learnerId, Func<DbDataReader, T> row)
    {
        using var cmd = Command(sql, ("@id", learnerId));
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read())
        {
            list.Add(row(r));
        }

        return list;
    }
}
