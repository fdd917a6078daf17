using CohortKit.Deployment.Migrations;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>The history's <c>applied_at</c> is when a phase completed: for the backfill, after its last batch.</summary>
public sealed class AppliedAtTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly SqliteScratch _db = new();

    public void Dispose() => _db.Dispose();

    [Fact]
    public async Task Backfill_AppliedAt_IsAfterTheLastBatch()
    {
        // 2,500 rows in batches of 300 keys: 9 batches, and the clock moves one minute per batch.
        MigrationControllerTests.CreateLearners(_db);
        var time = new FakeTimeProvider(Start);
        var store = new AfterBatchStore(new SqliteMigrationStore(_db.ConnectionString, time), _ => time.Advance(TimeSpan.FromMinutes(1)));
        var controller = new MigrationController(new MigrationOptions { BatchSize = 300, BatchDelay = TimeSpan.Zero }, store, time);
        var m = MigrationControllerTests.AddBand();

        await controller.ExpandAsync(m, [1]);
        var backfill = await controller.BackfillAsync(m);

        backfill.Batches.Should().Be(9);
        var history = await controller.StatusAsync();
        history.Single(h => h.Phase == MigrationPhase.Expand).AppliedAt.Should().Be(Start);
        history.Single(h => h.Phase == MigrationPhase.Migrate).AppliedAt.Should().Be(Start + TimeSpan.FromMinutes(9));
        backfill.StartedAt.Should().Be(Start);
    }
}
