using System.Globalization;
using CohortKit.Events;
using CohortKit.Temporal.Progression;
using CohortKit.Features;
using CohortKit.Learners;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.EarlyWarning;

/// <summary>Builds point-in-time features and early-warning labels from an <see cref="ActivityLog"/> and
/// <see cref="LearnerAttributes"/>.</summary>
/// <remarks>
/// <para><b>No leakage.</b> Features as of a date D read only events before D + 1 day (00:00 UTC), attributes and signup dates:
/// each learner's events are cut by binary search at that instant before anything is summed, so deleting every later event
/// leaves them unchanged (tested). Labels look ahead by design.</para>
/// <para><b>Churn</b> is an explicit withdrawal (when given) or <see cref="EarlyWarningOptions.InactivityDays"/> days without
/// activity, dated on the first inactive day (the day after the last activity, or the signup day). A gap that reaches the end
/// of the data before X days is censored, not churn; so is the time before the data begin: for a learner who signed up
/// before the first event of the log, inactivity is counted from that first event's day, not from the signup day. The <b>early-warning label</b> as of D is "churns in (D + lead start,
/// D + lead end]", over learners signed up by D and not churned by D + lead start.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed class EarlyWarningDataBuilder
{
    /// <summary>The activity feature names, in column order; attribute indicators (<c>attribute=value</c>) follow them.</summary>
    public static readonly IReadOnlyList<string> ActivityFeatureNames =
    [
        "days_since_signup", "days_since_last_activity",
        "active_days_7", "active_days_14", "active_days_28",
        "sessions_7", "sessions_14", "sessions_28",
        "minutes_7", "minutes_14", "minutes_28",
        "lessons_28", "active_days_trend_4w", "gap_sd_28", "current_streak", "longest_streak_28",
        "assessments_28", "mean_score_28", "score_trend", "events_total",
    ];

    private const int Window = 28;
    private const int TemporalState = -2;
    private const int TemporalHazard = -3;
    private readonly EarlyWarningOptions _options;

    /// <summary>Creates a builder with the default settings.</summary>
    public EarlyWarningDataBuilder()
        : this(new EarlyWarningOptions())
    {
    }

    /// <summary>Creates a builder (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public EarlyWarningDataBuilder(EarlyWarningOptions options)
    {
        EarlyWarningOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
    }

    /// <summary>Creates a builder from DI.</summary>
    /// <param name="options">The validated settings.</param>
    [ActivatorUtilitiesConstructor]
    public EarlyWarningDataBuilder(IOptions<EarlyWarningOptions> options)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)))
    {
    }

    /// <summary>Gets a copy of the validated settings (changing it changes nothing).</summary>
    public EarlyWarningOptions Options => _options.Snapshot();

    /// <summary>The feature names for these learners: <see cref="ActivityFeatureNames"/>, then one <c>attribute=value</c>
    /// indicator per category of each attribute with at most <see cref="EarlyWarningOptions.MaxCategoriesPerAttribute"/> categories.</summary>
    /// <param name="learners">The learners.</param>
    /// <returns>The names, to pass to <see cref="Features(LearnerAttributes, ActivityLog, DateOnly, IReadOnlyList{string}?)"/> when scoring other learners with a model trained on these.</returns>
    public IReadOnlyList<string> FeatureNamesFor(LearnerAttributes learners) => FeatureNamesFor(learners, null);

    /// <summary>The feature names for these learners, with Temporal's state indicators and hazard after the activity features
    /// when <paramref name="temporal"/> is given (<see cref="TemporalStateFeatures.Names"/>).</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="temporal">The state model and hazard, or null for none.</param>
    /// <returns>The names.</returns>
    public IReadOnlyList<string> FeatureNamesFor(LearnerAttributes learners, TemporalStateFeatures? temporal)
    {
        ArgumentNullException.ThrowIfNull(learners);
        var names = new List<string>(ActivityFeatureNames);
        if (temporal is not null)
        {
            names.AddRange(TemporalStateFeatures.Names);
        }

        foreach (var column in learners.Columns)
        {
            if (column.Categories.Count <= _options.MaxCategoriesPerAttribute)
            {
                names.AddRange(column.Categories.Select(c => $"{column.Name}={c}"));
            }
        }

        return names;
    }

    /// <summary>Computes the features of every learner as of the end of <paramref name="asOf"/>.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their activity (rows as <paramref name="learners"/>).</param>
    /// <param name="asOf">The as-of date: events on or before it are used, nothing later.</param>
    /// <param name="featureNames">The columns to produce (a model's <see cref="Models.IChurnModel.FeatureNames"/>); defaults to
    /// <see cref="FeatureNamesFor(LearnerAttributes)"/>. An indicator for a category these learners lack is all zeros.</param>
    /// <returns>One row per learner.</returns>
    /// <exception cref="ArgumentException">The log's learner count differs, <paramref name="asOf"/> is before the first event or
    /// after the last one (param <c>asOf</c>), or a feature name is unknown (param <c>featureNames</c>).</exception>
    public FeatureMatrix Features(LearnerAttributes learners, ActivityLog log, DateOnly asOf, IReadOnlyList<string>? featureNames = null)
        => Features(learners, log, asOf, featureNames, null);

    /// <summary>Computes the features as of the end of <paramref name="asOf"/>, with Temporal's state and hazard
    /// (<see cref="TemporalStateFeatures"/>) when <paramref name="temporal"/> is given.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their activity (rows as <paramref name="learners"/>).</param>
    /// <param name="asOf">The as-of date: events on or before it are used, nothing later.</param>
    /// <param name="featureNames">The columns to produce; defaults to <see cref="FeatureNamesFor(LearnerAttributes, TemporalStateFeatures?)"/>.</param>
    /// <param name="temporal">The state model and hazard; required when a name asks for a Temporal column.</param>
    /// <returns>One row per learner.</returns>
    /// <exception cref="ArgumentException">As <see cref="Features(LearnerAttributes, ActivityLog, DateOnly, IReadOnlyList{string}?)"/>,
    /// or a Temporal column is asked for without <paramref name="temporal"/> (param <c>temporal</c>).</exception>
    public FeatureMatrix Features(LearnerAttributes learners, ActivityLog log, DateOnly asOf, IReadOnlyList<string>? featureNames, TemporalStateFeatures? temporal)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(log);
        CheckLog(learners, log);
        if (FirstEventDay(log) is { } firstEvent && asOf < firstEvent)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"The as-of date {Iso(asOf)} is outside the data: it is before the first event ({Iso(firstEvent)}).");
        }

        if (LastEventDay(log) is { } lastEvent && asOf > lastEvent)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf, $"The as-of date {Iso(asOf)} is outside the data: it is after the last event ({Iso(lastEvent)}).");
        }

        featureNames ??= FeatureNamesFor(learners, temporal);
        var indicators = Indicators(learners, featureNames);
        var wantsTemporal = featureNames.Any(TemporalStateFeatures.IsColumn);
        if (wantsTemporal && temporal is null)
        {
            throw new ArgumentException("The features include Temporal's state or hazard, but no TemporalStateFeatures was given.", nameof(temporal));
        }

        var states = wantsTemporal ? temporal!.StatesAsOf(learners, log, asOf) : null;
        var dims = featureNames.Count;
        var matrix = new FeatureMatrix(learners.Count, dims, featureNames);
        var cut = (asOf.DayNumber + 1L) * TimeSpan.TicksPerDay;
        Parallel.For(0, learners.Count, row =>
        {
            var target = matrix.Row(row);
            var activity = new Span<float>(new float[ActivityFeatureNames.Count]);
            ActivityFeatures(log.ForLearner(row), learners.SignupDates[row], asOf, cut, activity);
            for (var j = 0; j < dims; j++)
            {
                var (source, column, code) = indicators[j];
                target[j] = source >= 0 ? activity[source]
                    : source == TemporalState ? (states![row] is { } state && (int)state == code ? 1 : 0)
                    : source == TemporalHazard ? (float)temporal!.Hazard.Hazard(states![row] ?? LearnerState.Onboarding)
                    : learners.Columns[column].Codes[row] == code ? 1 : 0;
            }
        });
        ChurnTelemetry.FeatureRows.Add(learners.Count);
        return matrix;
    }

    /// <summary>Computes the early-warning labels as of <paramref name="asOf"/>.</summary>
    /// <param name="learners">The learners.</param>
    /// <param name="log">Their activity.</param>
    /// <param name="asOf">The as-of date.</param>
    /// <param name="withdrawalDays">Optional explicit withdrawal date per learner row (null = none).</param>
    /// <param name="dataEnd">The last day the data covers; defaults to the day of the last event.</param>
    /// <returns>The labels.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="asOf"/> is outside the data: before the first event, or
    /// so late that the label window plus the inactivity period runs past <paramref name="dataEnd"/>.</exception>
    public EarlyWarningLabels Labels(LearnerAttributes learners, ActivityLog log, DateOnly asOf, IReadOnlyList<DateOnly?>? withdrawalDays = null, DateOnly? dataEnd = null)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(log);
        CheckLog(learners, log);
        if (withdrawalDays is not null && withdrawalDays.Count != learners.Count)
        {
            throw new ArgumentException($"withdrawalDays has {withdrawalDays.Count} entries for {learners.Count} learners.", nameof(withdrawalDays));
        }

        if (learners.Count == 0) { throw new ArgumentException("There are no learners to label.", nameof(learners)); }
        var end = dataEnd ?? LastEventDay(log) ?? throw new ArgumentException("The activity log is empty; the data's end is unknown.", nameof(log));
        var first = FirstEventDay(log) ?? end;
        var o = _options;
        var latest = end.AddDays(-(o.LeadEndDays + o.InactivityDays));
        if (asOf < first || asOf > latest)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf,
                $"The as-of date {Iso(asOf)} is outside the data: it must be between the first event {Iso(first)} and {Iso(latest)} (the data ends {Iso(end)}; the label needs {o.LeadEndDays} + {o.InactivityDays} days after the as-of date).");
        }

        var n = learners.Count;
        var eligible = new bool[n];
        var churns = new bool[n];
        var daysToChurn = new int[n];
        Parallel.For(0, n, row =>
        {
            var churnDay = ChurnDay(log.ForLearner(row), Math.Max(learners.SignupDates[row].DayNumber, first.DayNumber), end.DayNumber, o.InactivityDays);
            if (withdrawalDays?[row] is { } w && (churnDay < 0 || w.DayNumber < churnDay)) { churnDay = w.DayNumber; }
            var neverChurns = churnDay < 0;
            var lead = churnDay - asOf.DayNumber; // negative when the learner churned before the as-of date
            daysToChurn[row] = neverChurns ? -1 : lead;
            eligible[row] = learners.SignupDates[row] <= asOf && (neverChurns || lead > o.LeadStartDays);
            churns[row] = eligible[row] && !neverChurns && lead <= o.LeadEndDays;
        });
        return new EarlyWarningLabels { AsOf = asOf, Eligible = eligible, Churns = churns, DaysToChurn = daysToChurn };
    }

    /// <summary>The first day of the first gap of at least <paramref name="inactivityDays"/> days without activity (counting from
    /// <paramref name="fromDay"/>: the later of the signup day and the first day of the data), or −1 when no such gap is
    /// complete by <paramref name="endDay"/>.</summary>
    internal static int ChurnDay(LearnerActivity activity, int fromDay, int endDay, int inactivityDays)
    {
        var lastActive = fromDay - 1;
        foreach (var ticks in activity.Timestamps)
        {
            var day = (int)(ticks / TimeSpan.TicksPerDay);
            if (day - lastActive - 1 >= inactivityDays) { return lastActive + 1; }
            lastActive = Math.Max(lastActive, day);
        }

        return endDay - lastActive >= inactivityDays ? lastActive + 1 : -1;
    }

    private static void ActivityFeatures(LearnerActivity all, DateOnly signup, DateOnly asOf, long cut, Span<float> f)
    {
        var count = LowerBound(all.Timestamps, cut); // the events before the cut, and nothing after it is read
        var times = all.Timestamps[..count];
        var kinds = all.Kinds[..count];
        var values = all.Values[..count];
        var today = asOf.DayNumber;
        Span<bool> active = stackalloc bool[Window];
        Span<int> sessions = stackalloc int[Window];
        Span<float> minutes = stackalloc float[Window];
        float lessons = 0, scoreSum = 0, earlierScoreSum = 0;
        int assessments = 0, earlierAssessments = 0;
        var lastDay = int.MinValue;
        for (var i = 0; i < times.Length; i++)
        {
            var day = (int)(times[i] / TimeSpan.TicksPerDay);
            lastDay = Math.Max(lastDay, day);
            var ago = today - day;
            var recent = ago is >= 0 and < Window;
            switch (kinds[i])
            {
                case LearnerEventKind.Session when recent: sessions[ago]++; minutes[ago] += values[i]; break;
                case LearnerEventKind.Lesson when recent: lessons += values[i]; break;
                case LearnerEventKind.Assessment when recent: assessments++; scoreSum += values[i]; break;
                case LearnerEventKind.Assessment: earlierAssessments++; earlierScoreSum += values[i]; break;
            }

            if (recent) { active[ago] = true; }
        }

        var sinceSignup = today - signup.DayNumber;
        f[0] = sinceSignup;
        f[1] = lastDay == int.MinValue ? sinceSignup + 1 : today - lastDay;
        var w = 2;
        foreach (var span in new[] { 7, 14, 28 }) { f[w++] = Count(active[..span]); }
        foreach (var span in new[] { 7, 14, 28 }) { f[w++] = Sum(sessions[..span]); }
        foreach (var span in new[] { 7, 14, 28 }) { f[w++] = Sum(minutes[..span]); }
        f[w++] = lessons;
        f[w++] = Trend(active);
        f[w++] = GapDeviation(active);
        var (current, longest) = Streaks(active);
        f[w++] = current;
        f[w++] = longest;
        f[w++] = assessments;
        f[w++] = assessments == 0 ? 0 : scoreSum / assessments;
        f[w++] = assessments == 0 || earlierAssessments == 0 ? 0 : scoreSum / assessments - earlierScoreSum / earlierAssessments;
        f[w] = times.Length;
    }

    private static int LowerBound(ReadOnlySpan<long> times, long value)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (times[mid] < value) { lo = mid + 1; } else { hi = mid; }
        }

        return lo;
    }

    private static float Count(ReadOnlySpan<bool> days)
    {
        var n = 0;
        foreach (var d in days) { if (d) { n++; } }
        return n;
    }

    private static float Sum(ReadOnlySpan<int> values) { var s = 0; foreach (var v in values) { s += v; } return s; }

    private static float Sum(ReadOnlySpan<float> values) { float s = 0; foreach (var v in values) { s += v; } return s; }

    /// <summary>Least-squares slope of active days per week over the last four weeks (oldest week at x = 0), in days per week.</summary>
    private static float Trend(ReadOnlySpan<bool> active)
    {
        Span<float> weeks = stackalloc float[4];
        for (var k = 0; k < 4; k++) { weeks[3 - k] = Count(active.Slice(k * 7, 7)); }
        // x = 0..3, mean 1.5, Σ(x − 1.5)² = 5
        return (float)((-1.5 * weeks[0] - 0.5 * weeks[1] + 0.5 * weeks[2] + 1.5 * weeks[3]) / 5);
    }

    /// <summary>Population standard deviation of the gaps between consecutive active days in the window (0 with fewer than two gaps).</summary>
    private static float GapDeviation(ReadOnlySpan<bool> active)
    {
        var previous = -1;
        double sum = 0, sq = 0;
        var gaps = 0;
        for (var ago = Window - 1; ago >= 0; ago--)
        {
            if (!active[ago]) { continue; }
            if (previous >= 0) { var g = previous - ago; sum += g; sq += (double)g * g; gaps++; }
            previous = ago;
        }

        if (gaps < 2) { return 0; }
        var mean = sum / gaps;
        return (float)Math.Sqrt(Math.Max(0, sq / gaps - mean * mean));
    }

    /// <summary>The run of active days ending on the as-of date, and the longest run in the window.</summary>
    private static (int Current, int Longest) Streaks(ReadOnlySpan<bool> active)
    {
        var current = 0;
        while (current < active.Length && active[current]) { current++; }
        int longest = 0, run = 0;
        foreach (var a in active) { run = a ? run + 1 : 0; longest = Math.Max(longest, run); }
        return (current, longest);
    }

    private static (int Source, int Column, int Code)[] Indicators(LearnerAttributes learners, IReadOnlyList<string> featureNames)
    {
        var names = featureNames;
        var result = new (int, int, int)[names.Count];
        for (var j = 0; j < names.Count; j++)
        {
            var activityIndex = IndexOf(ActivityFeatureNames, names[j]);
            if (activityIndex >= 0) { result[j] = (activityIndex, -1, -1); continue; }
            if (names[j] == TemporalStateFeatures.HazardName) { result[j] = (TemporalHazard, -1, -1); continue; }
            if (names[j].StartsWith(TemporalStateFeatures.StatePrefix, StringComparison.Ordinal)
                && Enum.TryParse<LearnerState>(names[j][TemporalStateFeatures.StatePrefix.Length..], ignoreCase: false, out var state)
                && Enum.IsDefined(state))
            {
                result[j] = (TemporalState, -1, (int)state);
                continue;
            }

            var eq = names[j].IndexOf('=', StringComparison.Ordinal);
            var column = eq < 0 ? -1 : IndexOf(learners.Columns.Select(c => c.Name).ToList(), names[j][..eq]);
            if (column < 0)
            {
                throw new ArgumentException($"Feature '{names[j]}' is neither an activity feature nor an attribute=value indicator of these learners.", nameof(featureNames));
            }

            result[j] = (-1, column, learners.Columns[column].TryGetCode(names[j][(eq + 1)..], out var code) ? code : -1);
        }

        return result;
    }

    private static int IndexOf(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++) { if (string.Equals(list[i], name, StringComparison.Ordinal)) { return i; } }
        return -1;
    }

    private static void CheckLog(LearnerAttributes learners, ActivityLog log)
    {
        if (log.LearnerCount != learners.Count)
        {
            throw new ArgumentException($"The activity log has {log.LearnerCount} learners; the attributes have {learners.Count}.", nameof(log));
        }
    }

    private static DateOnly? LastEventDay(ActivityLog log)
    {
        if (log.EventCount == 0) { return null; }
        long max = long.MinValue;
        foreach (var t in log.Timestamps) { max = Math.Max(max, t); }
        return DateOnly.FromDayNumber((int)(max / TimeSpan.TicksPerDay));
    }

    private static DateOnly? FirstEventDay(ActivityLog log)
    {
        if (log.EventCount == 0) { return null; }
        long min = long.MaxValue;
        foreach (var t in log.Timestamps) { min = Math.Min(min, t); }
        return DateOnly.FromDayNumber((int)(min / TimeSpan.TicksPerDay));
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
