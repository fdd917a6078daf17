using CohortKit.Experiments;
using CohortKit.Learners;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Tracking;

/// <summary>
/// The temporal cohort tracker: an append-only series of <see cref="CohortSnapshot"/>s (cohort membership, composition
/// attributes and metrics per period), the migration between any two of them (<see cref="Flows"/>, the data of a Sankey
/// chart) and per-cohort composition and metric drift (<see cref="Drift"/>, through CohortKit.Experiments' drift code).
/// </summary>
/// <remarks>Thread-safe: appends are serialised and a snapshot never changes once appended. Periods must strictly increase;
/// the attribute and metric names of the first snapshot are the schema of every later one.</remarks>
public sealed partial class CohortTracker
{
    private readonly CohortTrackerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private CohortSnapshot[] _snapshots = [];

    /// <summary>Creates an empty tracker (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The drift settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public CohortTracker(CohortTrackerOptions options, ILogger<CohortTracker>? logger = null)
    {
        CohortTrackerOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<CohortTracker>.Instance;
    }

    /// <summary>Creates an empty tracker from DI.</summary>
    /// <param name="options">The drift settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public CohortTracker(IOptions<CohortTrackerOptions> options, ILogger<CohortTracker>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public CohortTrackerOptions Options => _options.Snapshot();

    /// <summary>Gets the appended snapshots, oldest first (a view of the series at the time of the call).</summary>
    public IReadOnlyList<CohortSnapshot> Snapshots => Volatile.Read(ref _snapshots);

    /// <summary>Appends one period's membership. The columns are copied: later changes to them do not reach the tracker.</summary>
    /// <param name="period">The period, later than every appended one.</param>
    /// <param name="learners">The members, each once.</param>
    /// <param name="cohort">Each member's cohort (or state), row by row; its name is not used.</param>
    /// <param name="attributes">Categorical attributes for composition drift, row by row, with distinct names (the first
    /// snapshot's names are required of every later one).</param>
    /// <param name="metrics">Per-member metrics for metric drift, row by row, finite, with distinct names (the first snapshot's
    /// names are required of every later one).</param>
    /// <returns>The stored snapshot.</returns>
    /// <exception cref="ArgumentException"><paramref name="period"/> is not later than the last appended period (an older period
    /// or a duplicate), there are no learners, a learner appears twice, a column has another number of rows, a metric value
    /// is not finite, or the attribute or metric names differ from the first snapshot's. Nothing is appended then.</exception>
    public CohortSnapshot Append(DateOnly period, IReadOnlyList<LearnerId> learners, CategoricalColumn cohort,
        IReadOnlyList<CategoricalColumn>? attributes = null, IReadOnlyList<MetricColumn>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(cohort);
        attributes ??= [];
        metrics ??= [];
        var snapshot = SnapshotBuilder.Build(period, learners, cohort, attributes, metrics);
        lock (_gate)
        {
            var current = _snapshots;
            if (current.Length > 0)
            {
                var last = current[^1];
                if (period <= last.Period)
                {
                    throw new ArgumentException($"Period {period:yyyy-MM-dd} is not after the last appended period {last.Period:yyyy-MM-dd}; snapshots are append-only, in time order, one per period.", nameof(period));
                }

                SnapshotBuilder.RequireSameNames(last.Attributes.Select(a => a.Name), attributes.Select(a => a.Name), nameof(attributes));
                SnapshotBuilder.RequireSameNames(last.Metrics.Select(m => m.Name), metrics.Select(m => m.Name), nameof(metrics));
            }

            Volatile.Write(ref _snapshots, [.. current, snapshot]);
        }

        LogAppended(_logger, snapshot.Learners.Count, snapshot.Cohorts.Count);
        return snapshot;
    }

    /// <summary>The snapshot of one period.</summary>
    /// <param name="period">An appended period.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="ArgumentException">No snapshot has that period.</exception>
    public CohortSnapshot At(DateOnly period) => Find(Snapshots, period, nameof(period));

    /// <summary>The migration flows from the snapshot of <paramref name="from"/> to that of <paramref name="to"/>: for every
    /// (source cohort, target cohort) pair the number of learners who were in the first and are in the second, plus those
    /// who entered or left the tracked population. Cohorts are matched by name.</summary>
    /// <param name="from">The earlier appended period.</param>
    /// <param name="to">A later appended period.</param>
    /// <returns>The flows, the data of a Sankey chart.</returns>
    /// <exception cref="ArgumentException">A period was not appended, or <paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public MigrationFlows Flows(DateOnly from, DateOnly to)
    {
        var (before, after) = Pair(from, to);
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("cohortkit.temporal.migration");
        return MigrationCounter.Count(before, after);
    }

    /// <summary>Per-cohort drift between two snapshots, for every cohort present in both: the mix of each attribute among the
    /// members (Pearson chi-square of period × category and the population stability index) and each metric's mean
    /// (CohortKit.Experiments' <see cref="Experiments.Drift.MeasurementDrift.Compare"/>: relative change, delta-method
    /// interval, Welch p-value, PSI).</summary>
    /// <param name="from">The earlier appended period.</param>
    /// <param name="to">A later appended period.</param>
    /// <returns>One entry per cohort present in both periods, in the earlier snapshot's cohort order. p-values are not
    /// adjusted for the number of cohorts × attributes × metrics.</returns>
    /// <exception cref="ArgumentException">A period was not appended, or <paramref name="to"/> is not after <paramref name="from"/>.</exception>
    public IReadOnlyList<CohortDrift> Drift(DateOnly from, DateOnly to)
    {
        var (before, after) = Pair(from, to);
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("cohortkit.temporal.cohort_drift");
        return CohortDriftCalculator.Compare(before, after, _options);
    }

    private (CohortSnapshot Before, CohortSnapshot After) Pair(DateOnly from, DateOnly to)
    {
        if (to <= from)
        {
            throw new ArgumentException($"to ({to:yyyy-MM-dd}) must be after from ({from:yyyy-MM-dd}).", nameof(to));
        }

        var all = Snapshots;
        return (Find(all, from, nameof(from)), Find(all, to, nameof(to)));
    }

    private static CohortSnapshot Find(IReadOnlyList<CohortSnapshot> all, DateOnly period, string name)
        => all.FirstOrDefault(s => s.Period == period)
           ?? throw new ArgumentException($"No snapshot was appended for {period:yyyy-MM-dd} (appended: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(s => s.Period.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))))}).", name);

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Appended a snapshot of {Learners} learners in {Cohorts} cohorts.")]
    private static partial void LogAppended(ILogger logger, int learners, int cohorts);
}
