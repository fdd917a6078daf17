using System.Diagnostics;
using CohortKit.Deployment.Migrations;
using CohortKit.Deployment.Tests.ChildProcesses;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>The SQLite lock row is a lease: a live holder keeps it by its heartbeat; a runner killed while holding it blocks
/// others only until the lease expires on the <see cref="TimeProvider"/>, then the next runner takes over and finishes.</summary>
public sealed class SqliteMigrationLockTests : IDisposable
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly SqliteScratch _db = new();

    public void Dispose() => _db.Dispose();

    /// <summary>A lock table from before the lease (<c>id, holder, acquired_at</c>) is upgraded in place: empty, it is taken at
    /// once; holding an old runner's row, that row gets one lease from the upgrade and is then taken over.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AcquireLock_OldLockTableWithoutLeaseColumns_UpgradedInPlace(bool oldRowHeld)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        _db.Execute($"CREATE TABLE {SqliteMigrationStore.LockTable} (id INTEGER PRIMARY KEY CHECK (id = 1), holder TEXT NOT NULL, acquired_at TEXT NOT NULL)");
        if (oldRowHeld)
        {
            _db.Execute($"INSERT INTO {SqliteMigrationStore.LockTable} VALUES (1, 'old-runner', '2026-11-01T00:00:00Z')");
        }

        var store = new SqliteMigrationStore(_db.ConnectionString, time, Lease);
        if (oldRowHeld)
        {
            var act = () => store.AcquireLockAsync(1, MigrationPhase.Expand, default);
            (await act.Should().ThrowAsync<MigrationRefusedException>()).Which.Reason.Should().Be(MigrationRefusal.Locked);
            _db.Scalar($"SELECT expires_at_ms FROM {SqliteMigrationStore.LockTable}").Should().Be((time.GetUtcNow() + Lease).ToUnixTimeMilliseconds());
            time.Advance(Lease);
        }

        await using (await store.AcquireLockAsync(1, MigrationPhase.Expand, default))
        {
            _db.HasColumn(SqliteMigrationStore.LockTable, "pid").Should().BeTrue();
            _db.Scalar($"SELECT pid FROM {SqliteMigrationStore.LockTable}").Should().Be(Environment.ProcessId);
            _db.Scalar($"SELECT expires_at_ms FROM {SqliteMigrationStore.LockTable}").Should().Be((time.GetUtcNow() + Lease).ToUnixTimeMilliseconds());
        }

        _db.Scalar($"SELECT COUNT(*) FROM {SqliteMigrationStore.LockTable}").Should().Be(0);
    }

    [Fact]
    public async Task AcquireLock_LiveHolderRenewsEveryThirdOfTheLease_IsNotTakenOver_UntilItReleases()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var holder = await new SqliteMigrationStore(_db.ConnectionString, time, Lease).AcquireLockAsync(1, MigrationPhase.Expand, default);
        var other = new SqliteMigrationStore(_db.ConnectionString, time, Lease);
        for (var beat = 1; beat <= 9; beat++)
        {
            // Three whole leases go by; the holder's heartbeat (every 10 s) keeps pushing the expiry 30 s ahead.
            time.Advance(Lease / 3);
            _db.Scalar($"SELECT expires_at_ms FROM {SqliteMigrationStore.LockTable}").Should().Be((time.GetUtcNow() + Lease).ToUnixTimeMilliseconds());
            var act = () => other.AcquireLockAsync(2, MigrationPhase.Expand, default);
            (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage($"*(process {Environment.ProcessId}) holds the lock row*"))
                .Which.Reason.Should().Be(MigrationRefusal.Locked);
        }

        await holder.DisposeAsync();
        _db.Scalar($"SELECT COUNT(*) FROM {SqliteMigrationStore.LockTable}").Should().Be(0);
        await using var taken = await other.AcquireLockAsync(2, MigrationPhase.Expand, default);
    }

    [Fact]
    public async Task AcquireLock_HolderKilledMidBackfill_RefusedUntilItsLeaseExpires_ThenTakenOverAndTheMigrationFinishes()
    {
        MigrationControllerTests.CreateLearners(_db);
        var marker = Path.Combine(Path.GetTempPath(), $"cohortkit_test_lock_{Guid.NewGuid():N}.marker");
        var lease = TimeSpan.FromMinutes(10);
        int pid;
        using (var runner = StartRunner(MigrationChild.Arguments(_db.ConnectionString, marker, blockAfterBatches: 3, lease)))
        {
            pid = runner.Id;
            (await StepMarker.WaitAsync(marker, "runner", () => runner.HasExited)).Should().Be("backfill batch 3");
            runner.Kill(entireProcessTree: true);
            await runner.WaitForExitAsync();
            runner.ExitCode.Should().Be(128 + 9);
        }

        File.Delete(marker);
        // What the dead runner left: its lock row, the expand, and three committed batches of 300 rows.
        _db.Scalar($"SELECT pid FROM {SqliteMigrationStore.LockTable}").Should().Be(pid);
        _db.Scalar("SELECT COUNT(*) FROM cohortkit_migrations").Should().Be(1);
        _db.Scalar("SELECT COUNT(*) FROM learners WHERE band IS NOT NULL").Should().Be(3 * MigrationChild.BatchSize);

        // The next runner's clock starts now, inside the dead runner's lease.
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var controller = new MigrationController(new MigrationOptions { BatchSize = MigrationChild.BatchSize, BatchDelay = TimeSpan.Zero },
            new SqliteMigrationStore(_db.ConnectionString, time, lease), time);
        var migration = MigrationControllerTests.AddBand();
        var act = () => controller.BackfillAsync(migration);
        (await act.Should().ThrowAsync<MigrationRefusedException>().WithMessage($"*(process {pid}) holds the lock row*")).Which.Reason.Should().Be(MigrationRefusal.Locked);

        time.Advance(lease);
        var backfill = await controller.BackfillAsync(migration);
        backfill.RowsUpdated.Should().Be(2500 - 3 * MigrationChild.BatchSize);
        backfill.Batches.Should().Be(9); // ceil(2500 / 300): one pass over the whole key range
        (await controller.ContractAsync(migration, [2])).Applied.Should().BeTrue();
        _db.Scalar("SELECT COUNT(*) FROM learners WHERE band IS NULL OR band <> CAST(score / 10 AS INTEGER)").Should().Be(0);
        _db.Scalar("SELECT COUNT(*) FROM learners").Should().Be(2500);
        (await controller.StatusAsync()).Select(h => h.Phase).Should().Equal(MigrationPhase.Expand, MigrationPhase.Migrate, MigrationPhase.Contract);
        _db.Scalar($"SELECT COUNT(*) FROM {SqliteMigrationStore.LockTable}").Should().Be(0);
    }

    [Fact]
    public void Constructor_LeaseUnderOneSecond_NamesTheParameter()
    {
        var act = () => new SqliteMigrationStore(_db.ConnectionString, lease: TimeSpan.FromMilliseconds(999));
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("lease");
    }

    private static Process StartRunner(string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CohortKit.Deployment.Tests.dll"));
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
