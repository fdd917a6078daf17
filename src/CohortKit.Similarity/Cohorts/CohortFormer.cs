using CohortKit.Features;
using CohortKit.Similarity.Cohorts.Formation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Cohorts;

/// <summary>
/// Partitions learners into cohorts whose sizes lie in [<see cref="CohortFormationOptions.MinSize"/>,
/// <see cref="CohortFormationOptions.MaxSize"/>], maximising intra-cohort cosine similarity, in five steps (each in its own
/// type under <c>Cohorts/Formation</c>): <b>partitioning</b> large populations into parts of about
/// <see cref="CohortFormationOptions.PartSize"/> by spherical k-means; <b>discovery</b> of the number of cohorts from the
/// data (over-clustering each part, then merging pieces that look like one group, across part boundaries too);
/// <b>capacitated assignment</b> (rounds of size-bounded assignment to centroids and centroid updates, seeded by the
/// discovered clusters); <b>local search</b> (moves and swaps that raise similarity); and <b>constraint repair</b> (swaps
/// that meet the mix and cap constraints across all cohorts of a group). <see cref="Rebalance"/> updates existing cohorts
/// with few moves. Optional groups (e.g. a time-zone band) are never mixed in a cohort. Deterministic by seed.
/// </summary>
/// <remarks>Thread-safe; parts are solved in parallel on at most <see cref="CohortFormationOptions.MaxDegreeOfParallelism"/> threads.</remarks>
public sealed partial class CohortFormer
{
    private readonly CohortFormationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a former (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied, so that later changes to them have no effect.</param>
    /// <param name="timeProvider">Clock for measuring formation time; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Optional logger (counts and durations only).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the first invalid option's
    /// name and the message lists every invalid option.</exception>
    public CohortFormer(CohortFormationOptions options, TimeProvider? timeProvider = null, ILogger<CohortFormer>? logger = null)
    {
        CohortFormationOptionsValidator.ThrowIfInvalid(options);
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<CohortFormer>.Instance;
    }

    /// <summary>Creates a former from DI.</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [ActivatorUtilitiesConstructor]
    public CohortFormer(IOptions<CohortFormationOptions> options, TimeProvider timeProvider, ILogger<CohortFormer>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    /// <summary>Gets a copy of the settings in use (changing it has no effect on this former).</summary>
    public CohortFormationOptions Options => _options.Copy();

    private SizeBounds Bounds => new(_options.MinSize, _options.MaxSize);

    /// <summary>Forms cohorts.</summary>
    /// <param name="features">One row per learner (any scale; rows are L2-normalised internally for cosine similarity).</param>
    /// <param name="groups">Optional group code per row; cohorts never mix groups (e.g. time-zone bands).</param>
    /// <param name="groupNames">Optional names of the group codes, for messages.</param>
    /// <returns>The cohorts.</returns>
    /// <exception cref="CohortFormationInfeasibleException">The population (or a group) cannot be split within the bounds; fewer than MinSize learners (none included) are infeasible.</exception>
    /// <exception cref="ArgumentException">A feature is NaN or infinite, or the groups' length differs from the rows.</exception>
    public CohortAssignment Form(FeatureMatrix features, IReadOnlyList<int>? groups = null, IReadOnlyList<string>? groupNames = null)
        => Form(features, new CohortConstraints { Groups = groups, GroupNames = groupNames });

    /// <summary>Forms cohorts under constraints: groups never mixed, a mix attribute with at least MinDistinct values per
    /// cohort, a cap attribute with at most MaxPerValue members per value per cohort. Mix and cap are met by similarity-aware
    /// swaps across all cohorts of a group after formation.</summary>
    /// <param name="features">One row per learner.</param>
    /// <param name="constraints">The constraints.</param>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Cancels the formation.</param>
    /// <returns>The cohorts.</returns>
    /// <exception cref="CohortFormationInfeasibleException">The sizes or a constraint cannot be met; <see cref="CohortFormationInfeasibleException.Bound"/> names it.</exception>
    /// <exception cref="ArgumentException">A feature is not finite, or a constraint's length differs from the rows.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public CohortAssignment Form(FeatureMatrix features, CohortConstraints constraints, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
        => Run(features, constraints, constrained: true, progress, cancellationToken);

    /// <summary>Unconstrained spherical k-means with the same parts, the same discovered number of clusters per part and the
    /// same seeds as <see cref="Form(FeatureMatrix, CohortConstraints, IProgress{double}?, CancellationToken)"/> — the
    /// baseline the quality report compares against.</summary>
    /// <param name="features">One row per learner.</param>
    /// <returns>The clusters (sizes unbounded; empty clusters are dropped from the count).</returns>
    public CohortAssignment KMeansBaseline(FeatureMatrix features)
        => Run(features, new CohortConstraints(), constrained: false, null, CancellationToken.None);

    /// <summary>
    /// Updates existing cohorts while moving as few current members as possible: cohorts above the maximum are split (the
    /// largest piece keeps its id); newcomers first top up cohorts that fell below the minimum, then join the most similar
    /// cohort of their group with room (best pairs first); only cohorts still below the minimum are dissolved and their
    /// members placed the same way; whoever is left forms new cohorts, borrowing from the most similar cohorts only the
    /// members needed. Ids of kept cohorts never change; dissolved ids stay unused; new cohorts get new ids.
    /// </summary>
    /// <param name="features">One row per current learner (departed learners are simply absent).</param>
    /// <param name="currentCohort">Each row's cohort id, or −1 for a newcomer.</param>
    /// <param name="groups">Optional group per row (cohorts never mix groups).</param>
    /// <returns>The updated cohorts and what changed.</returns>
    /// <exception cref="CohortFormationInfeasibleException">Some learners cannot be placed within the bounds.</exception>
    /// <exception cref="ArgumentException">Lengths differ or a feature is not finite.</exception>
    public RebalanceResult Rebalance(FeatureMatrix features, IReadOnlyList<int> currentCohort, IReadOnlyList<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(currentCohort);
        var n = features.Rows;
        if (currentCohort.Count != n) { throw new ArgumentException($"currentCohort has {currentCohort.Count} entries for {n} rows.", nameof(currentCohort)); }
        if (groups is not null && groups.Count != n) { throw new ArgumentException($"groups has {groups.Count} entries for {n} rows.", nameof(groups)); }
        return new Rebalancer(new CohortSpace(features), _options, Bounds, row => groups?[row] ?? 0).Run(currentCohort);
    }

    private CohortAssignment Run(FeatureMatrix features, CohortConstraints constraints, bool constrained, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(constraints);
        var n = features.Rows;
        foreach (var (name, codes) in new[] { ("Groups", constraints.Groups), ("Mix", constraints.Mix), ("Cap", constraints.Cap) })
        {
            if (codes is not null && codes.Count != n) { throw new ArgumentException($"{name} has {codes.Count} entries for {n} rows.", nameof(constraints)); }
        }

        using var activity = SimilarityTelemetry.ActivitySource.StartActivity("CohortFormer.Form");
        var started = _time.GetTimestamp();
        var mix = constraints.Mix?.ToArray();
        var cap = constraints.Cap?.ToArray();
        var groups = constraints.Groups;
        var bounds = Bounds;
        var byGroup = Enumerable.Range(0, n).GroupBy(i => groups?[i] ?? 0).OrderBy(g => g.Key).Select(g => (g.Key, Rows: g.ToArray())).ToList();
        if (byGroup.Count == 0) { CheckFeasible(0, null); }
        foreach (var (key, rows) in byGroup)
        {
            CheckFeasible(rows.Length, groups is null ? null : constraints.GroupNames is { } names && key >= 0 && key < names.Count ? names[key] : key.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var space = new CohortSpace(features);
        var report = new MonotoneProgress(progress);
        report.Report(0.05);
        var parts = byGroup.SelectMany(g => Partitioning.Split(space, g.Rows, g.Key, _options, bounds, constrained ? mix : null, constrained ? cap : null)).ToList();
        cancellationToken.ThrowIfCancellationRequested();
        report.Report(0.15);
        var seeded = _options.TargetSize is null
            ? CohortDiscovery.Discover(space, parts, _options, bounds, cancellationToken)
            : parts.Select(p => new CohortDiscovery.Seeded(p.Rows, new int[p.Rows.Length], 0)).ToList();
        report.Report(0.35);
        var local = new int[seeded.Count][];
        var counts = new int[seeded.Count];
        var done = 0;
        Parallel.For(0, seeded.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, p =>
        {
            var part = seeded[p];
            var range = PartAttributes.CohortRange(part.Rows, constrained ? mix : null, constrained ? cap : null, _options, bounds);
            var k = _options.TargetSize is { } target ? Math.Clamp((int)Math.Round((double)part.Rows.Length / target), range.Low, range.High) : 0;
            (local[p], counts[p]) = CapacitatedAssignment.Solve(space, part.Rows, _options.TargetSize is null ? part : null, k, range, constrained, _options, bounds, (ulong)p + 1);
            report.Report(0.35 + 0.55 * Interlocked.Increment(ref done) / seeded.Count);
        });

        var cohortOf = new int[n];
        var offset = 0;
        for (var p = 0; p < seeded.Count; p++)
        {
            for (var i = 0; i < seeded[p].Rows.Length; i++) { cohortOf[seeded[p].Rows[i]] = offset + local[p][i]; }
            offset += counts[p];
        }

        if (constrained && (mix is not null || cap is not null))
        {
            // Repair across all parts of each group: cohorts of a group are contiguous ids only by accident, so relabel.
            foreach (var (_, rows) in byGroup)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var ids = rows.Select(r => cohortOf[r]).Distinct().Order().ToArray();
                var dense = ids.Select((id, i) => (id, i)).ToDictionary(t => t.id, t => t.i);
                var labels = rows.Select(r => dense[cohortOf[r]]).ToArray();
                ConstraintRepair.Repair(space, rows, labels, ids.Length, mix, cap, _options);
                for (var i = 0; i < rows.Length; i++) { cohortOf[rows[i]] = ids[labels[i]]; }
            }
        }

        report.Report(1);
        var elapsed = _time.GetElapsedTime(started);
        LogFormed(_logger, offset, n, elapsed.TotalSeconds);
        return new CohortAssignment(cohortOf, offset);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Formed {Cohorts} cohorts of {Learners} learners in {Seconds:F2} s")]
    private static partial void LogFormed(ILogger logger, int cohorts, int learners, double seconds);

    private void CheckFeasible(int n, string? group)
    {
        var where = group is null ? $"{n} learners" : $"{n} learners in group '{group}'";
        if (n < _options.MinSize)
        {
            throw new CohortFormationInfeasibleException(nameof(_options.MinSize), $"{where} cannot fill one cohort of at least {_options.MinSize} (MinSize).");
        }

        if (!Bounds.Feasible(n))
        {
            throw new CohortFormationInfeasibleException(nameof(_options.MaxSize),
                $"{where} cannot be split into cohorts of {_options.MinSize}–{_options.MaxSize}: {Bounds.Fewest(n)} cohorts are needed to respect MaxSize but then one would have fewer than {_options.MinSize} (MinSize).");
        }
    }
}
