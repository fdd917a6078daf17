using CohortKit.Experiments.Effects;
using System.Globalization;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Statistics;
using CohortKit.Temporal.Timeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Retention;

/// <summary>
/// Cohort × period retention matrices from an <see cref="ActivityLog"/>, as Amplitude and Mixpanel chart them: cohorts by
/// signup day, week (Monday) or month or by an attribute; periods of days, weeks or months counted from each learner's own
/// signup; N-day, unbounded or bracket retention; counts, rates with Wilson intervals and the size-weighted average.
/// Only learners who signed up inside the observed window are counted, and a cell whose period is not fully inside the
/// window for every member is null.
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options. One pass over the events, split by learner across
/// <see cref="RetentionOptions.MaxDegreeOfParallelism"/> threads.</remarks>
public sealed partial class RetentionAnalyzer
{
    private const int LearnersPerChunk = 4096;

    private readonly RetentionOptions _options;
    private readonly double _z;
    private readonly ILogger _logger;

    /// <summary>Creates an analyzer (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    public RetentionAnalyzer(RetentionOptions options, ILogger<RetentionAnalyzer>? logger = null)
    {
        RetentionOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _z = WilsonInterval.Critical(_options.ConfidenceLevel);
        _logger = logger ?? NullLogger<RetentionAnalyzer>.Instance;
    }

    /// <summary>Creates an analyzer from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public RetentionAnalyzer(IOptions<RetentionOptions> options, ILogger<RetentionAnalyzer>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public RetentionOptions Options => _options.Snapshot();

    /// <summary>Computes the matrix.</summary>
    /// <param name="learners">The learners (signup dates, attributes).</param>
    /// <param name="log">Their events; row i is learner i.</param>
    /// <param name="definition">What to count.</param>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Checked between chunks of learners.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The log and the learners differ in size; the definition is invalid (named); the
    /// attribute is unknown; the log is empty and no window is given; or a learner has an event before their signup day
    /// (the message names the learner id and the event's timestamp).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public RetentionMatrix Compute(LearnerAttributes learners, ActivityLog log, RetentionDefinition definition, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(definition);
        ObservedTimeline.RequireNoEventBeforeSignup(learners, log);
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("RetentionAnalyzer.Compute");
        var columns = Columns(definition);
        var window = definition.Window ?? ObservationWindow.Spanning(log);
        ObservedTimeline.RequireOrdered(window, nameof(definition));

        var (cohortOf, labels) = AssignCohorts(learners, definition, window);
        var clock = new PeriodClock(definition.Period);
        var endTicks = LearnerEnds(learners, definition, window);
        var lastPeriod = columns.Max(c => c.Last);
        var cohorts = labels.Count;
        var sizes = new int[cohorts];
        var complete = new int[cohorts];
        Array.Fill(complete, int.MaxValue);
        var outside = 0;
        var signups = learners.SignupDates;
        for (var l = 0; l < learners.Count; l++)
        {
            var c = cohortOf[l];
            if (c < 0) { outside++; continue; }
            sizes[c]++;
            complete[c] = Math.Min(complete[c], clock.CompletePeriods(signups[l], endTicks[l], lastPeriod + 1));
        }

        var counts = Count(learners, log, definition.Kind, columns, cohortOf, cohorts, clock, endTicks, lastPeriod, progress, cancellationToken);
        TemporalTelemetry.EventsScanned.Add(log.EventCount);
        LogComputed(_logger, learners.Count - outside, cohorts, columns.Length);
        return Build(definition, window, columns, labels, sizes, complete, counts, outside);
    }

    private long[] Count(LearnerAttributes learners, ActivityLog log, RetentionKind kind, PeriodBracket[] columns, int[] cohortOf, int cohorts,
        PeriodClock clock, long[] endTicks, int lastPeriod, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        var width = columns.Length;
        var total = new long[cohorts * width];
        var chunks = (learners.Count + LearnersPerChunk - 1) / LearnersPerChunk;
        var done = 0;
        var gate = new object();
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            () => new long[cohorts * width],
            (chunk, _, local) =>
            {
                var scanner = new LearnerScanner(learners, log, kind, columns, clock, endTicks, lastPeriod);
                var end = Math.Min(learners.Count, (chunk + 1) * LearnersPerChunk);
                for (var l = chunk * LearnersPerChunk; l < end; l++)
                {
                    if (cohortOf[l] >= 0) { scanner.Scan(l, local.AsSpan(cohortOf[l] * width, width)); }
                }

                if (progress is not null) { progress.Report((double)Interlocked.Increment(ref done) / chunks); }
                return local;
            },
            local =>
            {
                lock (gate)
                {
                    for (var i = 0; i < local.Length; i++) { total[i] += local[i]; }
                }
            });
        return total;
    }

    /// <summary>Each learner's end of observation in ticks (exclusive): the window's end, or their own earlier last day.</summary>
    private static long[] LearnerEnds(LearnerAttributes learners, RetentionDefinition definition, ObservationWindow window)
    {
        var windowEnd = (window.End.DayNumber + 1L) * TimeSpan.TicksPerDay;
        var ends = new long[learners.Count];
        Array.Fill(ends, windowEnd);
        if (definition.LearnerObservedThrough is not { } through) { return ends; }
        if (through.Count != learners.Count)
        {
            throw new ArgumentException($"LearnerObservedThrough has {through.Count} days but there are {learners.Count} learners; it needs one per learner.", nameof(definition));
        }

        for (var l = 0; l < ends.Length; l++) { ends[l] = Math.Min(windowEnd, (through[l].DayNumber + 1L) * TimeSpan.TicksPerDay); }
        return ends;
    }

    private RetentionMatrix Build(RetentionDefinition definition, ObservationWindow window, PeriodBracket[] columns, List<string> labels, int[] sizes, int[] complete, long[] counts, int outside)
    {
        var level = _options.ConfidenceLevel;
        var width = columns.Length;
        var rows = new List<RetentionCohort>(labels.Count);
        var pooledRetained = new long[width];
        var pooledSize = new long[width];
        for (var c = 0; c < labels.Count; c++)
        {
            var retained = new int?[width];
            var rate = new double?[width];
            var intervals = new ConfidenceInterval?[width];
            for (var j = 0; j < width; j++)
            {
                if (columns[j].Last >= complete[c]) { continue; }
                var r = counts[c * width + j];
                retained[j] = (int)r;
                rate[j] = (double)r / sizes[c];
                intervals[j] = WilsonInterval.Of(r, sizes[c], _z, level);
                pooledRetained[j] += r;
                pooledSize[j] += sizes[c];
            }

            rows.Add(new RetentionCohort { Cohort = labels[c], Size = sizes[c], Retained = retained, Rate = rate, Intervals = intervals });
        }

        var average = new RetentionAverage[width];
        for (var j = 0; j < width; j++)
        {
            var n = pooledSize[j];
            average[j] = new RetentionAverage
            {
                Period = j,
                Learners = (int)n,
                Rate = n == 0 ? null : (double)pooledRetained[j] / n,
                Interval = n == 0 ? null : WilsonInterval.Of(pooledRetained[j], n, _z, level),
            };
        }

        return new RetentionMatrix
        {
            CohortBy = definition.CohortBy,
            Attribute = definition.CohortBy == CohortGrouping.Attribute ? definition.Attribute : null,
            Period = definition.Period,
            Kind = definition.Kind,
            Window = window,
            Columns = columns,
            Cohorts = rows,
            Average = average,
            LearnersOutsideWindow = outside,
        };
    }

    private static PeriodBracket[] Columns(RetentionDefinition d)
    {
        if (!Enum.IsDefined(d.CohortBy)) { throw new ArgumentException($"CohortBy {d.CohortBy} is not a defined value.", nameof(d)); }
        if (!Enum.IsDefined(d.Period)) { throw new ArgumentException($"Period {d.Period} is not a defined value.", nameof(d)); }
        if (!Enum.IsDefined(d.Kind)) { throw new ArgumentException($"Kind {d.Kind} is not a defined value.", nameof(d)); }
        if (d.Kind == RetentionKind.Bracket)
        {
            if (d.Brackets is not { Count: > 0 } brackets)
            {
                throw new ArgumentException("Bracket retention needs at least one bracket (Brackets).", nameof(d));
            }

            foreach (var b in brackets)
            {
                if (b.First < 0 || b.Last < b.First || b.Last >= MaxPeriods)
                {
                    throw new ArgumentException($"Bracket [{b.First}, {b.Last}] is invalid: it needs 0 <= First <= Last < {MaxPeriods}.", nameof(d));
                }
            }

            return [.. brackets];
        }

        if (d.Periods is < 1 or > MaxPeriods)
        {
            throw new ArgumentException($"Periods is {d.Periods}; it must be in [1, {MaxPeriods}].", nameof(d));
        }

        return [.. Enumerable.Range(0, d.Periods).Select(k => new PeriodBracket(k, k))];
    }

    /// <summary>The most periods (or the last bracketed period + 1) a matrix may have.</summary>
    public const int MaxPeriods = 10_000;

    private static (int[] CohortOf, List<string> Labels) AssignCohorts(LearnerAttributes learners, RetentionDefinition d, ObservationWindow window)
    {
        var cohortOf = new int[learners.Count];
        var signups = learners.SignupDates;
        if (d.CohortBy == CohortGrouping.Attribute)
        {
            if (d.Attribute is null || !learners.TryGetColumn(d.Attribute, out var column))
            {
                throw new ArgumentException($"No attribute '{d.Attribute}' to group by; attributes: {string.Join(", ", learners.Columns.Select(c => c.Name))}.", nameof(d));
            }

            var used = new bool[column.Categories.Count];
            for (var l = 0; l < learners.Count; l++)
            {
                var inside = signups[l] >= window.Start && signups[l] <= window.End;
                cohortOf[l] = inside ? column.Codes[l] : -1;
                if (inside) { used[column.Codes[l]] = true; }
            }

            var index = new int[used.Length];
            var labels = new List<string>();
            for (var code = 0; code < used.Length; code++)
            {
                index[code] = used[code] ? labels.Count : -1;
                if (used[code]) { labels.Add(column.Categories[code]); }
            }

            for (var l = 0; l < learners.Count; l++) { if (cohortOf[l] >= 0) { cohortOf[l] = index[cohortOf[l]]; } }
            return (cohortOf, labels);
        }

        var keys = new int[learners.Count];
        var distinct = new SortedSet<int>();
        for (var l = 0; l < learners.Count; l++)
        {
            var s = signups[l];
            keys[l] = s < window.Start || s > window.End ? -1 : CohortStart(s, d.CohortBy).DayNumber;
            if (keys[l] >= 0) { distinct.Add(keys[l]); }
        }

        var order = distinct.Select((key, i) => (key, i)).ToDictionary(p => p.key, p => p.i);
        for (var l = 0; l < learners.Count; l++) { cohortOf[l] = keys[l] < 0 ? -1 : order[keys[l]]; }
        var format = d.CohortBy == CohortGrouping.SignupMonth ? "yyyy-MM" : "yyyy-MM-dd";
        return (cohortOf, distinct.Select(k => DateOnly.FromDayNumber(k).ToString(format, CultureInfo.InvariantCulture)).ToList());
    }

    private static DateOnly CohortStart(DateOnly signup, CohortGrouping by) => by switch
    {
        CohortGrouping.SignupWeek => signup.AddDays(-(((int)signup.DayOfWeek + 6) % 7)),
        CohortGrouping.SignupMonth => new DateOnly(signup.Year, signup.Month, 1),
        _ => signup,
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Retention of {Learners} learners in {Cohorts} cohorts over {Columns} columns.")]
    private static partial void LogComputed(ILogger logger, int learners, int cohorts, int columns);
}
