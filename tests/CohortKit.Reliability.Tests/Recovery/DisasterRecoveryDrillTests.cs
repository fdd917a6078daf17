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
        // Committed keys 1–5 at ticks 10…50, the disaster at tick 60; restored 1, 2, 2, 3 (5 and 4 lost, 2 duplicated):
        // lost 2, duplicated 1, RPO = disaster 60 − earliest lost commit 40 = 20 ticks.
        var committed = new List<(long, long)> { (1, 10), (2, 20), (3, 30), (4, 40), (5, 50) };
        var restored = new List<(long, long)> { (1, 10), (2, 20), (2, 20), (3, 30) };
        var r = DisasterRecoveryDrill.Compare(StateStoreKind.Sqlite, committed, restored, 60, () => TimeSpan.FromSeconds(1), TimeSpan.Zero);
        (r.Committed, r.Restored, r.Lost, r.Duplicated, r.RecoveryPoint, r.RecoveryTime).Should().Be((5, 4, 2, 1, TimeSpan.FromTicks(20), TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Compare_RecordLostInTheMiddle_RpoRunsFromItsCommitToTheDisaster()
    {
        // Key 2 (committed at tick 20) is lost while the newest record (5, tick 50) is restored; the disaster is at tick 60:
        // RPO = 60 − 20 = 40 ticks, not 0 (newest committed − newest restored would say nothing was lost).
        var committed = new List<(long, long)> { (1, 10), (2, 20), (3, 30), (4, 40), (5, 50) };
        var restored = new List<(long, long)> { (1, 10), (3, 30), (4, 40), (5, 50) };
        var r = DisasterRecoveryDrill.Compare(StateStoreKind.Sqlite, committed, restored, 60, () => TimeSpan.FromSeconds(1), TimeSpan.Zero);
        (r.Lost, r.RecoveryPoint).Should().Be((1, TimeSpan.FromTicks(40)));
    }

    [Fact]
    public void Compare_ReadsTheRecoveryTimeAfterVerifying()
    {
        // The elapsed time is read once, after the by-key comparison: a clock read before it would not cover the verification.
        var reads = 0;
        var r = DisasterRecoveryDrill.Compare(StateStoreKind.Sqlite, [(1, 10)], [(1, 10)], 20, () => TimeSpan.FromTicks(++reads), TimeSpan.Zero);
        (reads, r.RecoveryTime, r.RecoveryPoint).Should().Be((1, TimeSpan.FromTicks(1), TimeSpan.Zero));
    }

    [Fact]
    public async Task RunAsync_PostgresWithoutConnectionString_Throws()
    {
        var act = () => new DisasterRecoveryDrill(new DisasterRecoveryDrillOptions()).RunAsync(StateStoreKind.Postgres, _dir);
        (await act.Should().ThrowAsync<ArgumentException>()).WithMessage("*PostgresConnectionString*");
    }
}
