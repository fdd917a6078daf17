using System.Data.Common;

// The awaits all carry ConfigureAwait(false); CA2007 also flags the implicit DisposeAsync of "await using" declarations,
// whose ConfiguredAsyncDisposable form would hide the connection and command types this file reads through.
#pragma warning disable CA2007

namespace CohortKit.Reliability.Recovery;

/// <summary>The backends a disaster-recovery drill can run on.</summary>
public enum StateStoreKind
{
    /// <summary>SQLite files, backed up with SQLite's online backup API.</summary>
    Sqlite,

    /// <summary>PostgreSQL, backed up by a binary COPY of every table inside one repeatable-read snapshot.</summary>
    Postgres,
}

/// <summary>The CohortKit state a drill writes, backs up and restores: cohort assignments, experiment exposures and intervention
/// decisions. Every row carries a <c>record_key</c> unique across the three tables and its commit time.</summary>
internal static class StateSchema
{
    public static readonly string[] Tables = ["cohort_assignments", "experiment_exposures", "intervention_decisions"];

    /// <summary>The value column of each table: the cohort, the arm, the intervention.</summary>
    public static readonly string[] ValueColumns = ["cohort", "arm", "intervention"];

    /// <summary>Creates the three tables. The restored copy has no unique constraint on record_key, so that a duplicated row
    /// would be visible to the check instead of failing the restore.</summary>
    public static string Create(bool unique) => string.Join(";\n", Tables.Select((t, i) =>
        $"CREATE TABLE IF NOT EXISTS {t} (record_key BIGINT {(unique ? "PRIMARY KEY" : "NOT NULL")}, learner_key TEXT NOT NULL, {ValueColumns[i]} TEXT NOT NULL, committed_at_ticks BIGINT NOT NULL)"));

    /// <summary>Writes one record per table in one transaction.</summary>
    public static async Task InsertAsync(DbConnection connection, long firstKey, long ticks, CancellationToken cancellationToken)
    {
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        for (var t = 0; t < Tables.Length; t++)
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"INSERT INTO {Tables[t]} (record_key, learner_key, {ValueColumns[t]}, committed_at_ticks) VALUES (@k, @l, @v, @c)";
            Add(cmd, "@k", firstKey + t);
            Add(cmd, "@l", $"learner-{firstKey / Tables.Length}");
            Add(cmd, "@v", $"{ValueColumns[t]}-{firstKey % 7}");
            Add(cmd, "@c", ticks);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads every record_key and commit time of the three tables.</summary>
    public static async Task<List<(long Key, long Ticks)>> ReadAllAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var rows = new List<(long, long)>();
        foreach (var table in Tables)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = $"SELECT record_key, committed_at_ticks FROM {table}";
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        return rows;
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
