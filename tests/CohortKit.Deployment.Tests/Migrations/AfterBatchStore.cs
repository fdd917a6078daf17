using CohortKit.Deployment.Migrations;

namespace CohortKit.Deployment.Tests.Migrations;

/// <summary>A store that calls <c>afterBatch</c> with the count of committed backfill batches after each one (to move a fake
/// clock, or to block a child process at a known batch); everything else goes to the inner store.</summary>
internal sealed class AfterBatchStore(IMigrationStore inner, Action<int> afterBatch) : IMigrationStore
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
        afterBatch(++_batches);
        return updated;
    }

    public Task<long> CountPendingAsync(BackfillStep backfill, CancellationToken cancellationToken) => inner.CountPendingAsync(backfill, cancellationToken);
}
