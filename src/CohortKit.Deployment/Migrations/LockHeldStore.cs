namespace CohortKit.Deployment.Migrations;

/// <summary>A store whose single-runner lock the caller already holds (for a run of several phases, such as
/// <see cref="ExpandContractDrill"/>): <see cref="AcquireLockAsync"/> returns at once, everything else goes to the inner store.</summary>
internal sealed class LockHeldStore(IMigrationStore inner) : IMigrationStore
{
    public SqlDialect Dialect => inner.Dialect;

    public Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(NoRelease.Instance);

    public Task EnsureHistoryAsync(CancellationToken cancellationToken) => inner.EnsureHistoryAsync(cancellationToken);

    public Task<IReadOnlyList<MigrationHistoryEntry>> ReadHistoryAsync(CancellationToken cancellationToken) => inner.ReadHistoryAsync(cancellationToken);

    public Task ApplyAsync(MigrationHistoryEntry entry, IReadOnlyList<string> statements, bool removeEntry, TimeSpan lockTimeout, CancellationToken cancellationToken) =>
        inner.ApplyAsync(entry, statements, removeEntry, lockTimeout, cancellationToken);

    public Task<(long Min, long Max)?> KeyRangeAsync(BackfillStep backfill, CancellationToken cancellationToken) => inner.KeyRangeAsync(backfill, cancellationToken);

    public Task<long> BackfillBatchAsync(BackfillStep backfill, long afterKey, long lastKey, CancellationToken cancellationToken) =>
        inner.BackfillBatchAsync(backfill, afterKey, lastKey, cancellationToken);

    public Task<long> CountPendingAsync(BackfillStep backfill, CancellationToken cancellationToken) => inner.CountPendingAsync(backfill, cancellationToken);

    private sealed class NoRelease : IAsyncDisposable
    {
        public static readonly NoRelease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
