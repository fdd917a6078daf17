using CohortKit.Events;
using CohortKit.Features;
using CohortKit.Learners;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Similarity.Features;

/// <summary>Relative weights of the feature groups (each group is standardised, then scaled so that its total variance equals
/// its weight); each must be finite and ≥ 0. Set through <see cref="LearnerFeatureBuilderOptions.Weights"/>.</summary>
public sealed class FeatureGroupWeights
{
    /// <summary>Gets or sets the weight of the 24-bin local hour-of-day session profile.</summary>
    /// <value>The default value is 1.</value>
    public double TimeOfDay { get; set; } = 1;

    /// <summary>Gets or sets the weight of the 7-bin day-of-week profile.</summary>
    /// <value>The default value is 1.</value>
    public double DayOfWeek { get; set; } = 1;

    /// <summary>Gets or sets the weight of the weekly activity curve (share of active days per week of the window).</summary>
    /// <value>The default value is 1.</value>
    public double Trajectory { get; set; } = 1;

    /// <summary>Gets or sets the weight of engagement, pace and assessment features.</summary>
    /// <value>The default value is 1.</value>
    public double Engagement { get; set; } = 1;

    /// <summary>Gets or sets the weight of the categorical encodings (domain, experience, region).</summary>
    /// <value>The default value is 1.</value>
    public double Profile { get; set; } = 1;

    /// <summary>A copy.</summary>
    /// <returns>The copy.</returns>
    internal FeatureGroupWeights Copy() => (FeatureGroupWeights)MemberwiseClone();
}

/// <summary>
/// Turns an <see cref="ActivityLog"/> and <see cref="LearnerAttributes"/> into a standardised <see cref="FeatureMatrix"/>
/// with named columns: local hour-of-day profile (24; local time from a <c>timezone</c> column like <c>UTC+05:30</c> when
/// present), day-of-week profile (7), weekly activity curve (one per week of the window), engagement (active-day rate,
/// sessions per active day, log minutes per session, lessons per session, pace, assessments per active day, mean score,
/// recency, trend) and one-hot <c>domain</c>, <c>experience</c> and <c>region</c> when those columns exist.
/// With the simulator's 90-day window this is 64 features.
/// </summary>
public sealed partial class LearnerFeatureBuilder
{
    private static readonly string[] ProfileColumns = ["domain", "experience", "region"];
    private static readonly string[] DayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// <summary>Learners per parallel work item: the unit of progress and cancellation.</summary>
    private const int BlockRows = 1024;

    private readonly LearnerFeatureBuilderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a builder (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now and copied, so that later changes to them have no effect.</param>
    /// <param name="timeProvider">Clock for measuring build time; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Optional logger (counts and durations only).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the first invalid option's
    /// name and the message lists every invalid option.</exception>
    public LearnerFeatureBuilder(LearnerFeatureBuilderOptions options, TimeProvider? timeProvider = null, ILogger<LearnerFeatureBuilder>? logger = null)
    {
        LearnerFeatureBuilderOptionsValidator.ThrowIfInvalid(options);
        _options = options.Copy();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<LearnerFeatureBuilder>.Instance;
    }

    /// <summary>Creates a builder from DI.</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [ActivatorUtilitiesConstructor]
    public LearnerFeatureBuilder(IOptions<LearnerFeatureBuilderOptions> options, TimeProvider timeProvider, ILogger<LearnerFeatureBuilder>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    /// <summary>Gets a copy of the settings in use (changing it has no effect on this builder).</summary>
    public LearnerFeatureBuilderOptions Options => _options.Copy();

    /// <summary>Gets a copy of the group weights in use (<see cref="LearnerFeatureBuilderOptions.Weights"/>).</summary>
    public FeatureGroupWeights Weights => _options.Weights.Copy();

    /// <summary>Builds the features of every learner over [start, start + days).</summary>
    /// <param name="learners">The learners (rows).</param>
    /// <param name="activity">Their events.</param>
    /// <param name="start">The window's first day (UTC).</param>
    /// <param name="days">The window's length in days (≥ 7).</param>
    /// <param name="progress">Optional progress in [0, 1], non-decreasing, ending at 1 (reading the events is 90 %,
    /// standardising and weighting the rest).</param>
    /// <param name="cancellationToken">Stops the build between blocks of learners.</param>
    /// <returns>One standardised row per learner; constant columns are all zero.</returns>
    /// <exception cref="ArgumentException">The log and the learners disagree, or the window is shorter than a week.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the builder keeps no state, so nothing half-built remains.</exception>
    public FeatureMatrix Build(LearnerAttributes learners, ActivityLog activity, DateOnly start, int days,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learners);
        ArgumentNullException.ThrowIfNull(activity);
        if (activity.LearnerCount != learners.Count)
        {
            throw new ArgumentException($"The log covers {activity.LearnerCount} learners; the table has {learners.Count}.", nameof(activity));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(days, 7);
        var weeks = (days + 6) / 7;
        var names = new List<string>();
        names.AddRange(Enumerable.Range(0, FeatureLayout.Hours).Select(h => $"hour_{h:00}"));
        names.AddRange(DayNames.Select(d => $"dow_{d}"));
        names.AddRange(Enumerable.Range(1, weeks).Select(w => $"week_{w:00}_active"));
        string[] engagement = ["active_day_rate", "sessions_per_active_day", "log_minutes_per_session", "lessons_per_session", "lessons_per_30_minutes",
            "assessments_per_active_day", "mean_score", "recency", "trend"];
        names.AddRange(engagement);
        var profile = new List<(CategoricalColumn Column, int Code)>();
        foreach (var col in ProfileColumns)
        {
            if (!learners.TryGetColumn(col, out var c)) { continue; }
            for (var code = 0; code < c.Categories.Count; code++)
            {
                profile.Add((c, code));
                names.Add($"{col}_{c.Categories[code]}");
            }
        }

        var layout = new FeatureLayout(weeks, engagement.Length);
        var dims = names.Count;
        var matrix = new FeatureMatrix(learners.Count, dims, names);
        var offsets = Offsets(learners);
        var startTicks = start.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var endTicks = startTicks + days * TimeSpan.TicksPerDay;
        var started = _time.GetTimestamp();
        var report = new MonotoneProgress(progress);
        var blocks = (learners.Count + BlockRows - 1) / BlockRows;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, b =>
        {
            var last = Math.Min(learners.Count, (b + 1) * BlockRows);
            for (var row = b * BlockRows; row < last; row++)
            {
                FillRow(row);
            }

            report.Advance(last - b * BlockRows, learners.Count, 0.9);
        });

        cancellationToken.ThrowIfCancellationRequested();
        if (matrix.Rows >= 2)
        {
            matrix.Standardize();
            ApplyWeights(matrix, layout);
        }

        report.Report(1);
        var elapsed = _time.GetElapsedTime(started);
        LogBuilt(_logger, matrix.Rows, matrix.Dimensions, elapsed.TotalSeconds);
        return matrix;

        // One learner's raw features: counts and rates over the window, before standardising.
        void FillRow(int row)
        {
            var f = matrix.Row(row);
            var e = activity.ForLearner(row);
            var offset = offsets?[row] ?? 0;
            double sessions = 0, minutes = 0, lessons = 0, assessments = 0, scoreSum = 0;
            int activeDays = 0, lastDay = int.MinValue, firstHalf = 0, secondHalf = 0;
            for (var i = 0; i < e.Count; i++)
            {
                var t = e.Timestamps[i];
                if (t < startTicks || t >= endTicks) { continue; }
                var local = t + offset - startTicks;
                var day = (int)(local / TimeSpan.TicksPerDay);
                if (day != lastDay)
                {
                    activeDays++;
                    lastDay = day;
                    if (day >= 0 && day < days)
                    {
                        f[FeatureLayout.TrajectoryStart + day / 7] += 1f / Math.Min(7, days - day / 7 * 7);
                        if (day < days / 2) { firstHalf++; } else { secondHalf++; }
                    }
                }

                switch (e.Kinds[i])
                {
                    case LearnerEventKind.Session:
                        sessions++;
                        minutes += e.Values[i];
                        var hour = (int)(((local % TimeSpan.TicksPerDay) + TimeSpan.TicksPerDay) % TimeSpan.TicksPerDay / TimeSpan.TicksPerHour);
                        f[hour]++;
                        var dow = ((int)new DateTime(t + offset, DateTimeKind.Utc).DayOfWeek + 6) % 7;
                        f[FeatureLayout.DayOfWeekStart + dow]++;
                        break;
                    case LearnerEventKind.Lesson:
                        lessons += e.Values[i];
                        break;
                    default:
                        assessments++;
                        scoreSum += e.Values[i];
                        break;
                }
            }

            if (sessions > 0)
            {
                for (var j = FeatureLayout.HourStart; j < FeatureLayout.TrajectoryStart; j++) { f[j] /= (float)sessions; }
            }

            var g = layout.EngagementStart;
            f[g] = (float)activeDays / days;
            f[g + 1] = activeDays > 0 ? (float)(sessions / activeDays) : 0;
            f[g + 2] = sessions > 0 ? (float)Math.Log(1 + minutes / sessions) : 0;
            f[g + 3] = sessions > 0 ? (float)(lessons / sessions) : 0;
            f[g + 4] = minutes > 0 ? (float)(lessons * 30 / minutes) : 0;
            f[g + 5] = activeDays > 0 ? (float)(assessments / activeDays) : 0;
            f[g + 6] = assessments > 0 ? (float)(scoreSum / assessments / 100) : 0;
            f[g + 7] = lastDay == int.MinValue ? 1 : (float)Math.Clamp((days - 1 - lastDay) / (double)days, 0, 1);
            f[g + 8] = (float)((secondHalf - firstHalf) / (double)Math.Max(1, activeDays));
            var p = layout.ProfileStart;
            foreach (var (column, code) in profile)
            {
                f[p++] = column.Codes[row] == code ? 1 : 0;
            }
        }
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Built {Features} features for {Learners} learners in {Seconds:F2} s")]
    private static partial void LogBuilt(ILogger logger, int learners, int features, double seconds);

    private void ApplyWeights(FeatureMatrix matrix, FeatureLayout layout)
    {
        // Each group's standardised columns are scaled by √(weight / columns), so a group's total variance is its weight.
        var scale = new float[matrix.Dimensions];
        void Group(int from, int count, double weight)
        {
            for (var j = from; j < from + count; j++) { scale[j] = (float)Math.Sqrt(weight / count); }
        }

        var weights = _options.Weights;
        Group(FeatureLayout.HourStart, FeatureLayout.Hours, weights.TimeOfDay);
        Group(FeatureLayout.DayOfWeekStart, FeatureLayout.DaysOfWeek, weights.DayOfWeek);
        Group(FeatureLayout.TrajectoryStart, layout.Weeks, weights.Trajectory);
        Group(layout.EngagementStart, layout.EngagementCount, weights.Engagement);
        Group(layout.ProfileStart, matrix.Dimensions - layout.ProfileStart, weights.Profile);
        for (var r = 0; r < matrix.Rows; r++)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(matrix.Row(r), scale, matrix.Row(r));
        }
    }

    private static long[]? Offsets(LearnerAttributes learners)
    {
        if (!learners.TryGetColumn("timezone", out var tz))
        {
            return null;
        }

        var perCategory = tz.Categories.Select(ParseOffset).ToArray();
        var offsets = new long[learners.Count];
        for (var i = 0; i < offsets.Length; i++) { offsets[i] = perCategory[tz.Codes[i]]; }
        return offsets;
    }

    // "UTC+05:30" -> +5.5 h in ticks; anything unparsable counts as UTC.
    private static long ParseOffset(string text)
    {
        if (text.Length == 9 && text.StartsWith("UTC", StringComparison.Ordinal) && (text[3] == '+' || text[3] == '-')
            && int.TryParse(text.AsSpan(4, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var h)
            && int.TryParse(text.AsSpan(7, 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var m))
        {
            var ticks = h * TimeSpan.TicksPerHour + m * TimeSpan.TicksPerMinute;
            return text[3] == '-' ? -ticks : ticks;
        }

        return 0;
    }
}
