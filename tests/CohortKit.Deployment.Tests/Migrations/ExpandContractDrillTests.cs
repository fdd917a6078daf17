using CohortKit.Testing;
using System.Diagnostics;
using CohortKit.Deployment.Migrations;
using Xunit.Abstractions;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>Versions N and N+1 write concurrently through expand, backfill and contract.</summary>
public sealed class ExpandContractDrillTests(ITestOutputHelper output)
{
    /// <summary>The test: 1,000,000 rows on PostgreSQL (about 65 s on the shared, loaded 2-core machine; see docs/benchmarks.md).</summary>
    [PostgresFact]
    public async Task RunAsync_MillionRowsOnPostgres_NoFailedWriteNoLostRowEveryRowFilled_ContractAfterV1Stopped()
    {
        using var db = new ScratchDatabase();
        var clock = Stopwatch.StartNew();
        var result = await new ExpandContractDrill(SqlDialect.Postgres, db.ConnectionString).RunAsync(1_000_000, writersPerVersion: 2);
        output.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s; backfill {result.BackfillDuration.TotalSeconds:F1} s; v1 {result.WritesV1} writes, v2 {result.WritesV2}");
        Sound(result, 1_000_000);
        db.Scalar("SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'drill_learners' AND column_name = 'score_band' AND is_nullable = 'NO'").Should().Be(1);
        db.Scalar("SELECT COUNT(*) FROM pg_trigger WHERE tgname = 'drill_learners_score_band'").Should().Be(0);
        db.Scalar("SELECT COUNT(*) FROM cohortkit_migrations WHERE version = 1").Should().Be(3);
    }

    [Fact]
    public async Task RunAsync_Sqlite_NoFailedWriteNoLostRowEveryRowFilled_ContractMakesScoreBandNotNull()
    {
        using var db = new SqliteScratch();
        var result = await new ExpandContractDrill(SqlDialect.Sqlite, db.ConnectionString, new MigrationOptions { BatchSize = 2_000 }).RunAsync(10_000, writersPerVersion: 1);
        Sound(result, 10_000);
        // The contract made score_band NOT NULL as on PostgreSQL (by a rebuild: SQLite cannot alter a column), triggers gone.
        db.Scalar($"SELECT \"notnull\" FROM pragma_table_info('{ExpandContractDrill.Table}') WHERE name = 'score_band'").Should().Be(1);
        db.Scalar($"SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").Should().Be(0);
        var nullBand = () => db.Execute($"INSERT INTO {ExpandContractDrill.Table} (score, writer_version) VALUES (1, 2)");
        nullBand.Should().Throw<Microsoft.Data.Sqlite.SqliteException>().WithMessage("*NOT NULL*");
    }

    [PostgresFact]
    public async Task AdvisoryLock_HeldByAnotherSession_RefusesExpandAndAppliesNothing()
    {
        using var db = new ScratchDatabase();
        var store = new PostgresMigrationStore(db.ConnectionString);
        var controller = new MigrationController(new MigrationOptions(), store);
        var m = ExpandContractDrill.Migration(SqlDialect.Postgres) with { Expand = ["CREATE TABLE cohortkit_test_t (id bigint)"], Backfill = null };
        await using (await store.AcquireLockAsync(7, MigrationPhase.Expand, default))
        {
            var act = () => controller.ExpandAsync(m, [1]);
            (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*advisory lock*")).Which.Reason.Should().Be(MigrationRefusal.Locked);
            db.Scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'cohortkit_test_t'").Should().Be(0);
        }

        (await controller.ExpandAsync(m, [1])).Applied.Should().BeTrue();
    }

    [PostgresFact]
    public async Task Expand_FailingStatementOnPostgres_RollsBackTheEarlierOnes()
    {
        using var db = new ScratchDatabase();
        var controller = new MigrationController(new MigrationOptions(), new PostgresMigrationStore(db.ConnectionString));
        var m = ExpandContractDrill.Migration(SqlDialect.Postgres) with { Expand = ["CREATE TABLE cohortkit_test_t (id bigint)", "ALTER TABLE no_such_table ADD COLUMN x int"], Backfill = null };
        var act = () => controller.ExpandAsync(m, [1]);
        await act.Should().ThrowAsync<Npgsql.PostgresException>();
        db.Scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'cohortkit_test_t'").Should().Be(0);
        (await controller.StatusAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_SqliteLockHeldByAnotherRunner_RefusedBeforeCreatingTheTable()
    {
        using var db = new SqliteScratch();
        await using (await new SqliteMigrationStore(db.ConnectionString).AcquireLockAsync(9, MigrationPhase.Expand, default))
        {
            var act = () => new ExpandContractDrill(SqlDialect.Sqlite, db.ConnectionString).RunAsync(1_000);

            (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.Locked);
            db.Scalar($"SELECT COUNT(*) FROM sqlite_master WHERE name = '{ExpandContractDrill.Table}'").Should().Be(0);
        }
    }

    [Fact]
    public async Task RunAsync_SqliteHistoryHasAnotherVersion1_ChecksumMismatchRefusedBeforeCreatingTheTable()
    {
        using var db = new SqliteScratch();
        db.Execute("CREATE TABLE cohortkit_migrations (version BIGINT NOT NULL, name TEXT NOT NULL, checksum TEXT NOT NULL, phase TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (version, phase))");
        db.Execute("INSERT INTO cohortkit_migrations VALUES (1, 'someone_elses_migration', 'abc', 'expand', '2026-01-01T00:00:00.0000000+00:00')");

        var act = () => new ExpandContractDrill(SqlDialect.Sqlite, db.ConnectionString).RunAsync(1_000);

        (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.ChecksumMismatch);
        db.Scalar($"SELECT COUNT(*) FROM sqlite_master WHERE name = '{ExpandContractDrill.Table}'").Should().Be(0);
        db.Scalar("SELECT COUNT(*) FROM cohortkit_migrations").Should().Be(1);
    }

    /// <summary>Two drills on one database: the second is refused at once on the lock (before the fix both created the table
    /// and one failed with SQLSTATE 23505, or dropped the other's table), and the first finishes sound.</summary>
    [PostgresFact]
    public async Task RunAsync_SecondDrillOnTheSameDatabase_RefusedOnTheLock_FirstFinishesSound()
    {
        using var db = new ScratchDatabase();
        var first = Task.Run(() => new ExpandContractDrill(SqlDialect.Postgres, db.ConnectionString).RunAsync(100_000, writersPerVersion: 1));
        var waited = Stopwatch.StartNew();
        while (db.Scalar($"SELECT COUNT(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND d.datname = '{db.Name}'") == 0)
        {
            first.IsCompleted.Should().BeFalse("the first drill must still hold the lock");
            waited.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60));
            await Task.Delay(20);
        }

        var second = () => new ExpandContractDrill(SqlDialect.Postgres, db.ConnectionString).RunAsync(1_000, writersPerVersion: 1);

        (await second.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.Locked);
        Sound(await first, 100_000);
    }

    private static void Sound(ExpandContractDrillResult result, long rows)
    {
        result.Rows.Should().Be(rows);
        result.FailedWrites.Should().Be(0);
        result.WritesV1.Should().BeGreaterThan(0);
        result.WritesV2.Should().BeGreaterThan(0);
        result.LostRows.Should().Be(0);
        result.FinalRows.Should().Be(rows + result.Inserted);
        result.UnfilledRows.Should().Be(0);
        result.MismatchedRows.Should().Be(0);
        result.EarlyContractRefused.Should().BeTrue();
        result.Phases.Select(p => p.Phase).Should().Equal(MigrationPhase.Expand, MigrationPhase.Migrate, MigrationPhase.Contract);
        result.Phases.Should().OnlyContain(p => p.Applied);
        result.Phases[2].StartedAt.Should().BeOnOrAfter(result.V1StoppedAt);
    }
}
