namespace CohortKit.Deployment.Migrations;

/// <summary>One row of the history table <c>cohortkit_migrations(version, name, checksum, phase, applied_at)</c>.</summary>
public sealed record MigrationHistoryEntry
{
    /// <summary>Gets the migration's version.</summary>
    public required long Version { get; init; }

    /// <summary>Gets the migration's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the checksum of the migration when the phase ran.</summary>
    public required string Checksum { get; init; }

    /// <summary>Gets the phase that ran.</summary>
    public required MigrationPhase Phase { get; init; }

    /// <summary>Gets when it ran (UTC).</summary>
    public required DateTimeOffset AppliedAt { get; init; }
}

/// <summary>Where migrations run: the database, its history table and its single-runner lock. The built-in stores are
/// <see cref="PostgresMigrationStore"/> and <see cref="SqliteMigrationStore"/>.</summary>
public interface IMigrationStore
{
    /// <summary>Gets the dialect migrations for this store must be written in.</summary>
    SqlDialect Dialect { get; }

    /// <summary>Takes the single-runner lock, or refuses at once when another runner holds it.</summary>
    /// <param name="version">The migration about to run (for the refusal's message).</param>
    /// <param name="phase">The phase about to run.</param>
    /// <param name="cancellationToken">Cancels the wait for the connection.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="MigrationRefusedException">Another runner holds the lock (<see cref="MigrationRefusal.Locked"/>).</exception>
    Task<IAsyncDisposable> AcquireLockAsync(long version, MigrationPhase phase, CancellationToken cancellationToken);

    /// <summary>Creates the history table when it does not exist.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    Task EnsureHistoryAsync(CancellationToken cancellationToken);

    /// <summary>Reads the history, oldest first, changing nothing: a missing history table reads as an empty history.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The rows.</returns>
    Task<IReadOnlyList<MigrationHistoryEntry>> ReadHistoryAsync(CancellationToken cancellationToken);

    /// <summary>Runs statements and inserts the history row (or, with <paramref name="removeEntry"/>, deletes the version's rows) in one
    /// transaction: either all of it is applied or none.</summary>
    /// <param name="entry">The history row.</param>
    /// <param name="statements">The statements.</param>
    /// <param name="removeEntry">Delete every history row of the entry's version instead of inserting the entry.</param>
    /// <param name="lockTimeout">How long a statement may wait for a table lock before the transaction fails.</param>
    /// <param name="cancellationToken">Cancels the work (the transaction rolls back).</param>
    /// <returns>A task.</returns>
    Task ApplyAsync(MigrationHistoryEntry entry, IReadOnlyList<string> statements, bool removeEntry, TimeSpan lockTimeout, CancellationToken cancellationToken);

    /// <summary>Reads the smallest and largest key of the backfill's table, or <see langword="null"/> when it is empty.</summary>
    /// <param name="backfill">The backfill.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The key range.</returns>
    Task<(long Min, long Max)?> KeyRangeAsync(BackfillStep backfill, CancellationToken cancellationToken);

    /// <summary>Updates the pending rows with keys in (<paramref name="afterKey"/>, <paramref name="lastKey"/>] in one transaction.</summary>
    /// <param name="backfill">The backfill.</param>
    /// <param name="afterKey">The exclusive lower key bound.</param>
    /// <param name="lastKey">The inclusive upper key bound.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The rows updated.</returns>
    Task<long> BackfillBatchAsync(BackfillStep backfill, long afterKey, long lastKey, CancellationToken cancellationToken);

    /// <summary>Counts the rows still pending.</summary>
    /// <param name="backfill">The backfill.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>The count.</returns>
    Task<long> CountPendingAsync(BackfillStep backfill, CancellationToken cancellationToken);
}
