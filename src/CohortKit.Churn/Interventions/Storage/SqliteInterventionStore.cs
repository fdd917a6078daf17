using System.Globalization;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Learners;
using Microsoft.Data.Sqlite;

namespace CohortKit.Churn.Interventions.Storage;

/// <summary>The default <see cref="IInterventionStore"/>: one SQLite table keyed by (learner, action, day), so a decision
/// survives the process and a rerun finds it. Additions run in one transaction with <c>ON CONFLICT DO NOTHING</c>.</summary>
/// <remarks>Opens a connection per call (pooled by Microsoft.Data.Sqlite); safe for one orchestrator run at a time. The
/// database uses write-ahead logging with <c>synchronous = NORMAL</c>: every commit survives a killed process; a power
/// loss may drop the last commits, in which case the next run resends those decisions with the same key.</remarks>
public sealed class SqliteInterventionStore : IInterventionStore
{
    private const string Columns = "learner, action, day, rule_id, state, attempts, planned_at, updated_at, last_error";
    private const string DayFormat = "yyyy-MM-dd";

    private readonly string _connectionString;

    /// <summary>Opens (and creates if needed) the store.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=interventions.db</c>.</param>
    /// <exception cref="ArgumentException">The connection string is empty or malformed.</exception>
    /// <exception cref="SqliteException">The database cannot be opened or the table cannot be created.</exception>
    public SqliteInterventionStore(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _connectionString = new SqliteConnectionStringBuilder(connectionString).ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS intervention_decisions (
                learner INTEGER NOT NULL, action TEXT NOT NULL, day TEXT NOT NULL,
                rule_id TEXT NOT NULL, state INTEGER NOT NULL, attempts INTEGER NOT NULL,
                planned_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_error TEXT NULL,
                PRIMARY KEY (learner, action, day));
            CREATE INDEX IF NOT EXISTS ix_intervention_decisions_day ON intervention_decisions (day);
            CREATE INDEX IF NOT EXISTS ix_intervention_decisions_state ON intervention_decisions (state);
            """;
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<InterventionDecision>> GetDecisionsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM intervention_decisions WHERE day >= $from AND day <= $to ORDER BY day, learner, action";
        command.Parameters.AddWithValue("$from", Day(first));
        command.Parameters.AddWithValue("$to", Day(last));
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<InterventionDecision>> GetPendingAsync(CancellationToken cancellationToken)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM intervention_decisions WHERE state IN ($planned, $dispatching, $failed) ORDER BY day, learner, action";
        command.Parameters.AddWithValue("$planned", (int)DecisionState.Planned);
        command.Parameters.AddWithValue("$dispatching", (int)DecisionState.Dispatching);
        command.Parameters.AddWithValue("$failed", (int)DecisionState.Failed);
        return await ReadAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<int> AddAsync(IReadOnlyList<InterventionDecision> decisions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decisions);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO intervention_decisions ({Columns}) VALUES ($learner, $action, $day, $rule, $state, $attempts, $planned, $updated, $error) ON CONFLICT DO NOTHING";
        var parameters = Parameters(command);
        var added = 0;
        foreach (var d in decisions)
        {
            Bind(parameters, d);
            added += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        transaction.Commit();
        return added;
    }

    /// <inheritdoc />
    public async ValueTask UpdateAsync(InterventionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE intervention_decisions SET state = $state, attempts = $attempts, updated_at = $updated, last_error = $error " +
            "WHERE learner = $learner AND action = $action AND day = $day";
        Bind(Parameters(command), decision);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            throw new KeyNotFoundException("No stored decision has this key.");
        }
    }

    // WAL with synchronous = NORMAL: a commit survives a killed process (what the exactly-once design needs) without an
    // fsync per state change; only a power loss can drop the last commits (the rerun then resends with the same key).
    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous = NORMAL;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    private static readonly string[] ParameterNames = ["$learner", "$action", "$day", "$rule", "$state", "$attempts", "$planned", "$updated", "$error"];

    private static SqliteParameter[] Parameters(SqliteCommand command) =>
        [.. ParameterNames.Select(name => command.Parameters.Add(name, SqliteType.Text))];

    private static void Bind(SqliteParameter[] p, InterventionDecision d)
    {
        p[0].SqliteType = SqliteType.Integer;
        p[0].Value = d.Key.Learner.Value;
        p[1].Value = d.Key.Action;
        p[2].Value = Day(d.Key.Day);
        p[3].Value = d.RuleId;
        p[4].SqliteType = SqliteType.Integer;
        p[4].Value = (int)d.State;
        p[5].SqliteType = SqliteType.Integer;
        p[5].Value = d.Attempts;
        p[6].Value = d.PlannedAt.ToString("O", CultureInfo.InvariantCulture);
        p[7].Value = d.UpdatedAt.ToString("O", CultureInfo.InvariantCulture);
        p[8].Value = (object?)d.LastError ?? DBNull.Value;
    }

    private static async ValueTask<IReadOnlyList<InterventionDecision>> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<InterventionDecision>();
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new InterventionDecision
            {
                Key = new DecisionKey(new LearnerId(reader.GetInt64(0)), reader.GetString(1),
                    DateOnly.ParseExact(reader.GetString(2), DayFormat, CultureInfo.InvariantCulture)),
                RuleId = reader.GetString(3),
                State = (DecisionState)reader.GetInt32(4),
                Attempts = reader.GetInt32(5),
                PlannedAt = DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                UpdatedAt = DateTimeOffset.Parse(reader.GetString(7), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }

        return rows;
    }

    private static string Day(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);
}
