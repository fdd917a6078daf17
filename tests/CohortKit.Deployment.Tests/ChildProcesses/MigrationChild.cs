using System.Globalization;
using CohortKit.Deployment.Migrations;
using CohortKit.Deployment.Tests.Migrations;

namespace CohortKit.Deployment.Tests.ChildProcesses;

/// <summary>
/// A migration runner in its own process: expands <see cref="MigrationControllerTests.AddBand"/> on the SQLite database of
/// <c>--connection</c> and backfills it in batches of <see cref="BatchSize"/>; once <c>--block-after-batches</c> batches have
/// committed it writes <c>backfill batch N</c> to <c>--marker</c> and blocks, holding the lock row, until it is killed.
/// </summary>
internal static class MigrationChild
{
    public const string Mode = "migration";
    public const int BatchSize = 300;

    public static string[] Arguments(string connectionString, string marker, int blockAfterBatches, TimeSpan lease) =>
    [
        Mode, "--connection", connectionString, "--marker", marker,
        "--block-after-batches", blockAfterBatches.ToString(CultureInfo.InvariantCulture),
        "--lease-seconds", lease.TotalSeconds.ToString(CultureInfo.InvariantCulture),
    ];

    public static async Task RunAsync(ChildArguments args)
    {
        var sqlite = new SqliteMigrationStore(args["connection"], lease: TimeSpan.FromSeconds(double.Parse(args["lease-seconds"], CultureInfo.InvariantCulture)));
        var store = new BlockingStore(sqlite, int.Parse(args["block-after-batches"], CultureInfo.InvariantCulture), args["marker"]);
        var controller = new MigrationController(new MigrationOptions { BatchSize = BatchSize, BatchDelay = TimeSpan.Zero }, store);
        var migration = MigrationControllerTests.AddBand();
        await controller.ExpandAsync(migration, [1]);
        await controller.BackfillAsync(migration);
        StepMarker.Reach(args["marker"], "finished");
    }

    /// <summary>The SQLite store, blocking after a number of committed backfill batches.</summary>
    private sealed class BlockingStore(SqliteMigrationStore inner, int blockAfterBatches, string marker) : IMigrationStore
    {
        private int _batches;

        public SqlDialect Dialect => inner.Dialect;

        public Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken) => inner.AcquireLockAsync(version, phase, cancellationToken);

        public Task EnsureHistoryAsync(CancellationToken cancellationToken) => inner.EnsureHistoryAsync(cancellationToken);

        public Task<IReadOnlyList<MigrationHistoryEntry>> ReadHistoryAsync(CancellationToken cancellationToken) => inner.ReadHistoryAsync(cancellationToken);

        public Task ApplyAsync(MigrationHistoryEntry entry, IReadOnlyList<string> statements, bool removeEntry, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
            inner.ApplyAsync(entry, statements, removeEntry, lockTimeout, cancellationToken);

        public Task<(long Min, long Max)?> KeyRangeAsync(BackfillStep backfill, CancellationToken cancellationToken) => inner.KeyRangeAsync(backfill, cancellationToken);

        public async Task<long> BackfillBatchAsync(BackfillStep backfill, long afterKey, long lastKey, CancellationToken cancellationToken)
        {
            var updated = await inner.BackfillBatchAsync(backfill, afterKey, lastKey, cancellationToken);
            if (++_batches == blockAfterBatches)
            {
                StepMarker.ReachAndBlock(marker, $"backfill batch {_batches}");
            }

            return updated;
        }

        public Task<long> CountPendingAsync(BackfillStep backfill, CancellationToken cancellationToken) => inner.CountPendingAsync(backfill, cancellationToken);
    }
}
