using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// The awaits all carry ConfigureAwait(false); CA2007 also flags the implicit DisposeAsync of "await using" declarations.
#pragma warning disable CA2007

namespace CohortKit.Deployment.Migrations;

/// <summary>
/// Runs online migrations in three phases against an <see cref="IMigrationStore"/>: <see cref="ExpandAsync"/> (additive,
/// refused if destructive), <see cref="BackfillAsync"/> (batched and throttled) and <see cref="ContractAsync"/> (only once
/// every running app version supports the contracted schema). Each phase takes the store's single-runner lock, checks the
/// history (order, checksums, the previous phase) and runs with its history row in one transaction, so a refused or failed
/// phase leaves nothing applied.
/// </summary>
/// <remarks>Thread-safe; the store's lock serialises runners across processes.</remarks>
public sealed class MigrationController
{
    private readonly MigrationOptions _options;
    private readonly IMigrationStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the controller.</summary>
    /// <param name="options">The options (validated and copied).</param>
    /// <param name="store">Where migrations run.</param>
    /// <param name="time">The clock for history timestamps and the backfill throttle; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="logger">Logs phases.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named by the parameter).</exception>
    public MigrationController(MigrationOptions options, IMigrationStore store, TimeProvider? time = null, ILogger<MigrationController>? logger = null)
    {
        MigrationOptionsValidator.ThrowIfInvalid(options);
        ArgumentNullException.ThrowIfNull(store);
        _options = new MigrationOptions { BatchSize = options.BatchSize, BatchDelay = options.BatchDelay, LockTimeout = options.LockTimeout, MaxBackfillPasses = options.MaxBackfillPasses };
        _store = store;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<MigrationController>.Instance;
    }

    /// <summary>Creates the controller from DI.</summary>
    /// <param name="options">The options.</param>
    /// <param name="store">Where migrations run (registered by the host).</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs phases.</param>
    [ActivatorUtilitiesConstructor]
    public MigrationController(IOptions<MigrationOptions> options, IMigrationStore store, TimeProvider time, ILogger<MigrationController>? logger = null)
        : this((options ?? throw new ArgumentNullException(nameof(options))).Value, store, time, logger)
    {
    }

    /// <summary>Reads the history, changing nothing (a missing history table reads as an empty history and is not created).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every history row, oldest first (empty before the first migration).</returns>
    public Task<IReadOnlyList<MigrationHistoryEntry>> StatusAsync(CancellationToken cancellationToken = default) => _store.ReadHistoryAsync(cancellationToken);

    /// <summary>Runs the expand phase in one transaction.</summary>
    /// <param name="migration">The migration.</param>
    /// <param name="runningAppVersions">The app versions running now; each must be in <see cref="Migration.ExpandedSupports"/>.</param>
    /// <param name="cancellationToken">Cancels the phase (it rolls back).</param>
    /// <returns>What ran.</returns>
    /// <exception cref="ArgumentException">The migration is malformed.</exception>
    /// <exception cref="MigrationRefusedException">A destructive statement, out-of-order version, checksum mismatch, unsupported running
    /// version or a held lock; nothing is applied.</exception>
    public async Task<MigrationPhaseResult> ExpandAsync(Migration migration, IReadOnlyCollection<int> runningAppVersions, CancellationToken cancellationToken = default)
    {
        Check(migration, runningAppVersions);
        for (var i = 0; i < migration.Expand.Count; i++)
        {
            if (DestructiveSql.Find(migration.Expand[i]) is { } why)
            {
                throw new MigrationRefusedException(migration.Version, MigrationPhase.Expand, MigrationRefusal.DestructiveExpand,
                    $"expand statement {i + 1} {why}; destructive changes belong to the contract phase.");
            }
        }

        RequireSupported(migration, MigrationPhase.Expand, migration.ExpandedSupports, runningAppVersions);
        return await RunAsync(migration, MigrationPhase.Expand, async (history, started) =>
        {
            CheckExpandOrder(migration, history);
            await ApplyAsync(migration, MigrationPhase.Expand, migration.Expand, cancellationToken).ConfigureAwait(false);
            return (0L, 0);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the backfill: batches of <see cref="MigrationOptions.BatchSize"/> keys, each its own short transaction,
    /// <see cref="MigrationOptions.BatchDelay"/> apart; then passes again over rows still pending until none is left, and
    /// records the migrate phase.</summary>
    /// <param name="migration">The migration (its expand has run).</param>
    /// <param name="progress">Receives the fraction of the first pass done.</param>
    /// <param name="cancellationToken">Cancels between batches (batches done stay done; running it again resumes).</param>
    /// <returns>What ran, with the rows updated.</returns>
    /// <exception cref="MigrationRefusedException">Expand has not run, checksum mismatch, or a held lock.</exception>
    /// <exception cref="InvalidOperationException">Rows stay pending after <see cref="MigrationOptions.MaxBackfillPasses"/> passes
    /// (the expand does not keep the old version's writes filled).</exception>
    public async Task<MigrationPhaseResult> BackfillAsync(Migration migration, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        Check(migration, []);
        return await RunAsync(migration, MigrationPhase.Migrate, async (history, started) =>
        {
            RequirePhase(migration, MigrationPhase.Migrate, history, MigrationPhase.Expand);
            long rows = 0;
            var batches = 0;
            if (migration.Backfill is { } step)
            {
                for (var pass = 1; ; pass++)
                {
                    if (await _store.KeyRangeAsync(step, cancellationToken).ConfigureAwait(false) is { } range)
                    {
                        for (var after = range.Min - 1; after < range.Max;)
                        {
                            var last = Math.Min(range.Max, after + _options.BatchSize);
                            var updated = await _store.BackfillBatchAsync(step, after, last, cancellationToken).ConfigureAwait(false);
                            rows += updated;
                            batches++;
                            DeploymentTelemetry.BackfilledRows.Add(updated);
                            after = last;
                            if (pass == 1)
                            {
                                progress?.Report((double)(after - range.Min + 1) / (range.Max - range.Min + 1));
                            }

                            if (_options.BatchDelay > TimeSpan.Zero && after < range.Max)
                            {
                                await Task.Delay(_options.BatchDelay, _time, cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }

                    var pending = await _store.CountPendingAsync(step, cancellationToken).ConfigureAwait(false);
                    if (pending == 0)
                    {
                        break;
                    }

                    if (pass >= _options.MaxBackfillPasses)
                    {
                        throw new InvalidOperationException($"Migration {migration.Version} backfill: {pending} rows still pending after {pass} passes; does the expand keep the old version's writes filled (e.g. with a trigger)?");
                    }
                }
            }

            await ApplyAsync(migration, MigrationPhase.Migrate, [], cancellationToken).ConfigureAwait(false);
            return (rows, batches);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the contract phase in one transaction.</summary>
    /// <param name="migration">The migration (its backfill has run).</param>
    /// <param name="runningAppVersions">The app versions running now; each must be in <see cref="Migration.ContractedSupports"/>.</param>
    /// <param name="cancellationToken">Cancels the phase (it rolls back).</param>
    /// <returns>What ran.</returns>
    /// <exception cref="MigrationRefusedException">The backfill has not run, an old version still runs, checksum mismatch or a held
    /// lock; nothing is applied.</exception>
    public async Task<MigrationPhaseResult> ContractAsync(Migration migration, IReadOnlyCollection<int> runningAppVersions, CancellationToken cancellationToken = default)
    {
        Check(migration, runningAppVersions);
        RequireSupported(migration, MigrationPhase.Contract, migration.ContractedSupports, runningAppVersions);
        return await RunAsync(migration, MigrationPhase.Contract, async (history, started) =>
        {
            RequirePhase(migration, MigrationPhase.Contract, history, MigrationPhase.Migrate);
            await ApplyAsync(migration, MigrationPhase.Contract, migration.Contract, cancellationToken).ConfigureAwait(false);
            return (0L, 0);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Undoes an expand (and its backfill) that has not been contracted: runs <see cref="Migration.RollbackExpand"/> and
    /// deletes the version's history rows in one transaction.</summary>
    /// <param name="migration">The migration.</param>
    /// <param name="cancellationToken">Cancels (the transaction rolls back).</param>
    /// <returns>What ran (<see cref="MigrationPhaseResult.Applied"/> is false when expand had not run).</returns>
    /// <exception cref="MigrationRefusedException">The migration is contracted, checksum mismatch, or a held lock.</exception>
    public async Task<MigrationPhaseResult> RollbackExpandAsync(Migration migration, CancellationToken cancellationToken = default)
    {
        Check(migration, []);
        var started = _time.GetUtcNow();
        await using var held = await _store.AcquireLockAsync(migration.Version, MigrationPhase.Expand, cancellationToken).ConfigureAwait(false);
        await _store.EnsureHistoryAsync(cancellationToken).ConfigureAwait(false);
        var history = await _store.ReadHistoryAsync(cancellationToken).ConfigureAwait(false);
        CheckChecksum(migration, MigrationPhase.Expand, history);
        var mine = history.Where(h => h.Version == migration.Version).ToList();
        if (mine.Any(h => h.Phase == MigrationPhase.Contract))
        {
            throw Refused(migration, MigrationPhase.Expand, MigrationRefusal.PhaseOrder, "it is contracted; a contracted migration is undone by a new migration, not rolled back.");
        }

        var applied = mine.Count > 0;
        if (applied)
        {
            await _store.ApplyAsync(Entry(migration, MigrationPhase.Expand, started), migration.RollbackExpand, removeEntry: true, _options.LockTimeout, cancellationToken).ConfigureAwait(false);
            DeploymentTelemetry.LogRolledBackExpand(_logger, migration.Version);
        }

        return new MigrationPhaseResult { Version = migration.Version, Phase = MigrationPhase.Expand, Applied = applied, StartedAt = started, Duration = _time.GetUtcNow() - started };
    }

    private async Task<MigrationPhaseResult> RunAsync(Migration migration, MigrationPhase phase,
        Func<IReadOnlyList<MigrationHistoryEntry>, DateTimeOffset, Task<(long Rows, int Batches)>> body, CancellationToken cancellationToken)
    {
        using var activity = DeploymentTelemetry.ActivitySource.StartActivity($"migration {SqlMigrationStore.PhaseText(phase)}");
        activity?.SetTag("cohortkit.migration.version", migration.Version);
        var started = _time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        await using var held = await _store.AcquireLockAsync(migration.Version, phase, cancellationToken).ConfigureAwait(false);
        await _store.EnsureHistoryAsync(cancellationToken).ConfigureAwait(false);
        var history = await _store.ReadHistoryAsync(cancellationToken).ConfigureAwait(false);
        CheckChecksum(migration, phase, history);
        if (history.Any(h => h.Version == migration.Version && h.Phase == phase))
        {
            return new MigrationPhaseResult { Version = migration.Version, Phase = phase, Applied = false, StartedAt = started, Duration = clock.Elapsed };
        }

        var (rows, batches) = await body(history, started).ConfigureAwait(false);
        DeploymentTelemetry.MigrationPhases.Add(1, new KeyValuePair<string, object?>("phase", SqlMigrationStore.PhaseText(phase)));
        DeploymentTelemetry.LogPhase(_logger, migration.Version, phase, rows, clock.Elapsed.TotalSeconds);
        return new MigrationPhaseResult { Version = migration.Version, Phase = phase, Applied = true, StartedAt = started, Duration = clock.Elapsed, RowsUpdated = rows, Batches = batches };
    }

    /// <summary>Runs the phase's statements with its history row; <c>applied_at</c> is now, when the phase completes (for the
    /// backfill, after its last batch), not when it started.</summary>
    private Task ApplyAsync(Migration migration, MigrationPhase phase, IReadOnlyList<string> statements, CancellationToken cancellationToken) =>
        _store.ApplyAsync(Entry(migration, phase, _time.GetUtcNow()), statements, removeEntry: false, _options.LockTimeout, cancellationToken);

    private static MigrationHistoryEntry Entry(Migration migration, MigrationPhase phase, DateTimeOffset at) =>
        new() { Version = migration.Version, Name = migration.Name, Checksum = migration.Checksum, Phase = phase, AppliedAt = at };

    private static void Check(Migration migration, IReadOnlyCollection<int> runningAppVersions)
    {
        ArgumentNullException.ThrowIfNull(migration);
        ArgumentNullException.ThrowIfNull(runningAppVersions);
        if (migration.Version < 1) { throw new ArgumentOutOfRangeException(nameof(migration), migration.Version, "Migration.Version must be at least 1."); }
        if (string.IsNullOrWhiteSpace(migration.Name)) { throw new ArgumentException("Migration.Name is empty.", nameof(migration)); }
        if (migration.Expand.Count == 0) { throw new ArgumentException($"Migration {migration.Version} has no expand statements.", nameof(migration)); }
        if (migration.Expand.Concat(migration.Contract).Concat(migration.RollbackExpand).Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"Migration {migration.Version} has an empty statement.", nameof(migration));
        }

        if (migration.ExpandedSupports.Min > migration.ExpandedSupports.Max || migration.ContractedSupports.Min > migration.ContractedSupports.Max)
        {
            throw new ArgumentException($"Migration {migration.Version} has an empty app version range ({migration.ExpandedSupports}, {migration.ContractedSupports}).", nameof(migration));
        }

        migration.Backfill?.Validate(nameof(migration));
    }

    private static void RequireSupported(Migration migration, MigrationPhase phase, AppVersionRange supported, IReadOnlyCollection<int> running)
    {
        var unsupported = running.Where(v => !supported.Contains(v)).Order().ToList();
        if (unsupported.Count > 0)
        {
            throw Refused(migration, phase, MigrationRefusal.UnsupportedAppVersion,
                $"app version(s) {string.Join(", ", unsupported)} still running; after {phase.ToString().ToLowerInvariant()} the schema supports {supported} only.");
        }
    }

    private static void RequirePhase(Migration migration, MigrationPhase phase, IReadOnlyList<MigrationHistoryEntry> history, MigrationPhase previous)
    {
        if (!history.Any(h => h.Version == migration.Version && h.Phase == previous))
        {
            throw Refused(migration, phase, MigrationRefusal.PhaseOrder, $"its {previous.ToString().ToLowerInvariant()} phase has not run.");
        }
    }

    /// <summary>Refuses an expand when a later version is in the history or an earlier one is not contracted.</summary>
    internal static void CheckExpandOrder(Migration migration, IReadOnlyList<MigrationHistoryEntry> history)
    {
        if (history.FirstOrDefault(h => h.Version > migration.Version) is { } later)
        {
            throw Refused(migration, MigrationPhase.Expand, MigrationRefusal.OutOfOrder, $"version {later.Version} ('{later.Name}') is already in the history.");
        }

        if (history.Where(h => h.Version < migration.Version).GroupBy(h => h.Version).FirstOrDefault(g => g.All(h => h.Phase != MigrationPhase.Contract)) is { } open)
        {
            throw Refused(migration, MigrationPhase.Expand, MigrationRefusal.OutOfOrder, $"version {open.Key} is not contracted yet; one migration is in flight at a time.");
        }
    }

    /// <summary>Refuses a phase when the history holds another checksum for the migration's version.</summary>
    internal static void CheckChecksum(Migration migration, MigrationPhase phase, IReadOnlyList<MigrationHistoryEntry> history)
    {
        var checksum = migration.Checksum;
        if (history.FirstOrDefault(h => h.Version == migration.Version && h.Checksum != checksum) is { } ran)
        {
            throw Refused(migration, phase, MigrationRefusal.ChecksumMismatch,
                $"its {ran.Phase.ToString().ToLowerInvariant()} phase ran with checksum {ran.Checksum}, the migration given now has {checksum}; it was edited after it ran.");
        }
    }

    private static MigrationRefusedException Refused(Migration migration, MigrationPhase phase, MigrationRefusal reason, string message) =>
        new(migration.Version, phase, reason, message);
}
