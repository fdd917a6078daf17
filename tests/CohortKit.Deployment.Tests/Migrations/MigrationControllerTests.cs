using CohortKit.Deployment.Migrations;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>The controller on SQLite (the embedded default): phase order, refusals that leave nothing applied, idempotence, rollback.</summary>
public sealed class MigrationControllerTests : IDisposable
{
    private readonly SqliteScratch _db = new();
    private readonly MigrationController _controller;

    public MigrationControllerTests()
    {
        CreateLearners(_db);
        _controller = new MigrationController(new MigrationOptions { BatchSize = 300, BatchDelay = TimeSpan.Zero }, new SqliteMigrationStore(_db.ConnectionString));
    }

    public void Dispose() => _db.Dispose();

    /// <summary>2,500 learners with scores (i · 37) mod 100.</summary>
    internal static void CreateLearners(SqliteScratch db)
    {
        db.Execute("CREATE TABLE learners (id INTEGER PRIMARY KEY, score REAL NOT NULL)");
        db.Execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) INSERT INTO learners (id, score) SELECT i, (i * 37) % 100 FROM n");
    }

    internal static Migration AddBand(long version = 1, string column = "band") => new()
    {
        Version = version,
        Name = $"add_{column}",
        ExpandedSupports = new(1, 2),
        ContractedSupports = new(2, 2),
        Expand = [$"ALTER TABLE learners ADD COLUMN {column} INTEGER"],
        Backfill = new BackfillStep { Table = "learners", KeyColumn = "id", Assignments = $"{column} = CAST(score / 10 AS INTEGER)", PendingPredicate = $"{column} IS NULL" },
        Contract = [$"CREATE INDEX ix_{column} ON learners ({column})"],
        RollbackExpand = [$"ALTER TABLE learners DROP COLUMN {column}"],
    };

    [Fact]
    public async Task Phases_InOrder_FillEveryRowAndRecordHistoryWithChecksums()
    {
        var m = AddBand();
        (await _controller.ExpandAsync(m, [1])).Applied.Should().BeTrue();
        var backfill = await _controller.BackfillAsync(m);
        backfill.RowsUpdated.Should().Be(2500);
        backfill.Batches.Should().Be(9); // ceil(2500 / 300)
        (await _controller.ContractAsync(m, [2])).Applied.Should().BeTrue();

        _db.Scalar("SELECT COUNT(*) FROM learners WHERE band IS NULL OR band <> CAST(score / 10 AS INTEGER)").Should().Be(0);
        var history = await _controller.StatusAsync();
        history.Select(h => h.Phase).Should().Equal(MigrationPhase.Expand, MigrationPhase.Migrate, MigrationPhase.Contract);
        history.Should().OnlyContain(h => h.Version == 1 && h.Name == "add_band" && h.Checksum == m.Checksum && h.Checksum.Length == 64);
    }

    [Fact]
    public async Task Expand_Twice_IsIdempotent()
    {
        var m = AddBand();
        await _controller.ExpandAsync(m, [1]);
        (await _controller.ExpandAsync(m, [1])).Applied.Should().BeFalse();
        (await _controller.StatusAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task Expand_Destructive_IsRefusedAndNothingApplied()
    {
        var m = AddBand() with { Expand = ["ALTER TABLE learners ADD COLUMN band INTEGER", "ALTER TABLE learners DROP COLUMN score"] };
        var act = () => _controller.ExpandAsync(m, [1]);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*statement 2 drops an object*contract*"))
            .Which.Reason.Should().Be(MigrationRefusal.DestructiveExpand);
        _db.HasColumn("learners", "band").Should().BeFalse();
        (await _controller.StatusAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Expand_FailingStatement_RollsBackTheEarlierOnes()
    {
        var m = AddBand() with { Expand = ["ALTER TABLE learners ADD COLUMN band INTEGER", "CREATE INDEX ix ON no_such_table (x)"] };
        var act = () => _controller.ExpandAsync(m, [1]);
        await act.Should().ThrowAsync<Microsoft.Data.Sqlite.SqliteException>();
        _db.HasColumn("learners", "band").Should().BeFalse();
        (await _controller.StatusAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Expand_OlderVersionAfterNewer_IsRefusedAsOutOfOrder()
    {
        var v2 = AddBand(2, "band2");
        await _controller.ExpandAsync(v2, [1]);
        await _controller.BackfillAsync(v2);
        await _controller.ContractAsync(v2, [2]);
        var act = () => _controller.ExpandAsync(AddBand(1), [2]);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*version 2*already in the history*")).Which.Reason.Should().Be(MigrationRefusal.OutOfOrder);
        _db.HasColumn("learners", "band").Should().BeFalse();
    }

    [Fact]
    public async Task Expand_WhilePreviousNotContracted_IsRefusedAsOutOfOrder()
    {
        await _controller.ExpandAsync(AddBand(1), [1]);
        var act = () => _controller.ExpandAsync(AddBand(2, "band2"), [1]);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*version 1 is not contracted*")).Which.Reason.Should().Be(MigrationRefusal.OutOfOrder);
        _db.HasColumn("learners", "band2").Should().BeFalse();
    }

    [Fact]
    public async Task Backfill_EditedMigration_IsRefusedAsChecksumMismatch()
    {
        await _controller.ExpandAsync(AddBand(), [1]);
        var edited = AddBand() with { Backfill = AddBand().Backfill! with { Assignments = "band = 0" } };
        var act = () => _controller.BackfillAsync(edited);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*edited after it ran*")).Which.Reason.Should().Be(MigrationRefusal.ChecksumMismatch);
        _db.Scalar("SELECT COUNT(*) FROM learners WHERE band IS NOT NULL").Should().Be(0);
    }

    [Fact]
    public async Task Contract_WhileOldVersionRuns_IsRefused_ThenRunsOnceItIsGone()
    {
        var m = AddBand();
        await _controller.ExpandAsync(m, [1]);
        await _controller.BackfillAsync(m);
        var act = () => _controller.ContractAsync(m, [1, 2]);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*app version(s) 1 still running*")).Which.Reason.Should().Be(MigrationRefusal.UnsupportedAppVersion);
        _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_band'").Should().Be(0);
        (await _controller.ContractAsync(m, [2])).Applied.Should().BeTrue();
        _db.Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_band'").Should().Be(1);
    }

    [Fact]
    public async Task Contract_BeforeBackfill_IsRefusedAsPhaseOrder()
    {
        var m = AddBand();
        await _controller.ExpandAsync(m, [1]);
        var act = () => _controller.ContractAsync(m, [2]);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage("*migrate phase has not run*")).Which.Reason.Should().Be(MigrationRefusal.PhaseOrder);
    }

    [Fact]
    public async Task Expand_WithUnsupportedRunningVersion_IsRefused()
    {
        var act = () => _controller.ExpandAsync(AddBand(), [0, 1]);
        (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.UnsupportedAppVersion);
    }

    [Fact]
    public async Task RollbackExpand_AfterBackfill_RemovesColumnAndHistory_ThenExpandRunsAgain()
    {
        var m = AddBand();
        await _controller.ExpandAsync(m, [1]);
        await _controller.BackfillAsync(m);
        (await _controller.RollbackExpandAsync(m)).Applied.Should().BeTrue();
        _db.HasColumn("learners", "band").Should().BeFalse();
        (await _controller.StatusAsync()).Should().BeEmpty();
        (await _controller.ExpandAsync(m, [1])).Applied.Should().BeTrue();
    }

    [Fact]
    public async Task RollbackExpand_AfterContract_IsRefused()
    {
        var m = AddBand();
        await _controller.ExpandAsync(m, [1]);
        await _controller.BackfillAsync(m);
        await _controller.ContractAsync(m, [2]);
        var act = () => _controller.RollbackExpandAsync(m);
        (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.PhaseOrder);
        _db.HasColumn("learners", "band").Should().BeTrue();
    }

    [Fact]
    public async Task AnyPhase_WhileAnotherRunnerHoldsTheLock_IsRefused()
    {
        var store = new SqliteMigrationStore(_db.ConnectionString);
        await using (await store.AcquireLockAsync(9, MigrationPhase.Expand, default))
        {
            var act = () => _controller.ExpandAsync(AddBand(), [1]);
            (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.Locked);
        }

        (await _controller.ExpandAsync(AddBand(), [1])).Applied.Should().BeTrue();
    }

    [Fact]
    public async Task Backfill_NewRowsLeftUnfilled_GivesUpAfterMaxPasses()
    {
        var m = AddBand() with { Backfill = AddBand().Backfill! with { Assignments = "band = NULL" } };
        var controller = new MigrationController(new MigrationOptions { BatchDelay = TimeSpan.Zero, MaxBackfillPasses = 2 }, new SqliteMigrationStore(_db.ConnectionString));
        await controller.ExpandAsync(m, [1]);
        var act = () => controller.BackfillAsync(m);
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*2500 rows still pending after 2 passes*");
        (await controller.StatusAsync()).Should().ContainSingle(h => h.Phase == MigrationPhase.Expand);
    }

    [Theory]
    [InlineData(0L, "Version")]
    [InlineData(1L, "Name")]
    public async Task Expand_MalformedMigration_ThrowsNamingTheField(long version, string field)
    {
        var m = AddBand(version) with { Name = field == "Name" ? " " : "x" };
        var act = () => _controller.ExpandAsync(m, [1]);
        await act.Should().ThrowAsync<ArgumentException>().WithMessage($"*{field}*");
    }

    [Fact]
    public void Checksum_ChangesWithAnyStatement_AndIgnoresLineEndings()
    {
        var m = AddBand();
        (m with { Contract = ["CREATE INDEX ix_band ON learners (band )"] }).Checksum.Should().NotBe(m.Checksum);
        (m with { Expand = ["ALTER TABLE learners\r\nADD COLUMN band INTEGER"] }).Checksum
            .Should().Be((m with { Expand = ["ALTER TABLE learners\nADD COLUMN band INTEGER"] }).Checksum);
        (m with { Expand = ["a", "b"] }).Checksum.Should().NotBe((m with { Expand = ["ab"] }).Checksum);
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesTheOption()
    {
        var act = () => new MigrationController(new MigrationOptions { BatchSize = 0 }, new SqliteMigrationStore(_db.ConnectionString));
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("BatchSize");
    }
}
