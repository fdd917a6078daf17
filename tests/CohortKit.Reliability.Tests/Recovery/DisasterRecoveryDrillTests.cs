using CohortKit.Reliability.Recovery;
using CohortKit.Testing;
using Microsoft.Data.Sqlite;

namespace CohortKit.Reliability.Tests.Recovery;

/// <summary>Drills on SQLite and PostgreSQL: every committed record restored exactly once (RPO 0), the RTO measured; the
/// restored SQLite file is also counted by the test itself.</summary>
public sealed class DisasterRecoveryDrillTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cohortkit-dr-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Sqlite_CommittedRecordsAllRestoredOnce_RpoZero()
    {
        var result = await new DisasterRecoveryDrill(new DisasterRecoveryDrillOptions { Transactions = 500 }).RunAsync(StateStoreKind.Sqlite, _dir);
        (result.Committed, result.Restored, result.Lost, result.Duplicated).Should().Be((1500, 1500, 0, 0));
        result.RecoveryPoint.Should().Be(TimeSpan.Zero);
        result.RecoveryTime.Should().BePositive();

        // Count the restored file directly: 500 rows per table, keys 0 … 1499 each once.
        var restored = Directory.GetFiles(_dir, "*.restored.db").Should().ContainSingle().Subject;
        await using var c = new SqliteConnection($"Data Source={restored};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*), COUNT(DISTINCT record_key), MIN(record_key), MAX(record_key) FROM (SELECT record_key FROM cohort_assignments UNION ALL SELECT record_key FROM experiment_exposures UNION ALL SELECT record_key FROM intervention_decisions)";
        await using var r = await cmd.ExecuteReaderAsync();
        r.Read().Should().BeTrue();
        (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)).Should().Be((1500, 1500, 0, 1499));
        Directory.GetFiles(_dir, "*.db").Should().HaveCount(2, "the drill destroyed the primary; the backup and the restored copy remain");
    }

    [PostgresFact]
    public async Task Postgres_CommittedRecordsAllRestoredOnce_RpoZero()
    {
        var result = await new DisasterRecoveryDrill(new DisasterRecoveryDrillOptions { Transactions = 300, PostgresConnectionString = PostgresFactAttribute.ConnectionString })
            .RunAsync(StateStoreKind.Postgres, _dir);
        (result.Committed, result.Restored, result.Lost, result.Duplicated).Should().Be((900, 900, 0, 0));
        result.RecoveryPoint.Should().Be(TimeSpan.Zero);
        result.RecoveryTime.Should().BePositive();
    }

    [Fact]
    public void Compare_LostAndDuplicatedRecords_CountedByKey_RpoFromCommitTimes()
    {
        // Committed keys 1–5 at ticks 10…50; restored 1, 2, 2, 3 (5 and 4 lost, 2 duplicated): lost 2, duplicated 1,
        // RPO = last committed 50 − newest restored 30 = 20 ticks.
        var committed = new List<(long, long)> { (1, 10), (2, 20), (3, 30), (4, 40), (5, 50) };
        var restored = new List<(long, long)> { (1, 10), (2, 20), (2, 20), (3, 30) };
        var r = DisasterRecoveryDrill.Compare(StateStoreKind.Sqlite, committed, restored, TimeSpan.FromSeconds(1), TimeSpan.Zero);
        (r.Committed, r.Restored, r.Lost, r.Duplicated, r.RecoveryPoint).Should().Be((5, 4, 2, 1, TimeSpan.FromTicks(20)));
    }

    [Fact]
    public async Task RunAsync_PostgresWithoutConnectionString_Throws()
    {
        var act = () => new DisasterRecoveryDrill(new DisasterRecoveryDrillOptions()).RunAsync(StateStoreKind.Postgres, _dir);
        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*PostgresConnectionString*");
    }
}
