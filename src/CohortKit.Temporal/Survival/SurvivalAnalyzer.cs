using CohortKit.Experiments.Effects;
using CohortKit.Learners;
using CohortKit.Statistics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Survival;

/// <summary>
/// Right-censored survival analysis that reproduces R's survival package: Kaplan–Meier with Greenwood standard errors and
/// log-transformed intervals, the median with its interval, Nelson–Aalen, the log-rank test across groups and a
/// discrete-time hazard table. Each subject has a time (finite, ≥ 0) and whether the event happened then (otherwise the
/// subject is censored at that time). Time-varying covariates are out of scope.
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options. Each call sorts the times once: O(n log n).</remarks>
public sealed partial class SurvivalAnalyzer
{
    private readonly SurvivalOptions _options;
    private readonly double _z;
    private readonly ILogger _logger;

    /// <summary>Creates an analyzer (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's).</exception>
    /// <remarks>The analyzer reads no clock, so it takes no <see cref="TimeProvider"/>.</remarks>
    public SurvivalAnalyzer(SurvivalOptions options, ILogger<SurvivalAnalyzer>? logger = null)
    {
        SurvivalOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _z = WilsonInterval.Critical(_options.ConfidenceLevel);
        _logger = logger ?? NullLogger<SurvivalAnalyzer>.Instance;
    }

    /// <summary>Creates an analyzer from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public SurvivalAnalyzer(IOptions<SurvivalOptions> options, ILogger<SurvivalAnalyzer>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public SurvivalOptions Options => _options.Snapshot();

    /// <summary>The Kaplan–Meier curve of all subjects.</summary>
    /// <param name="time">Each subject's time: finite and non-negative.</param>
    /// <param name="died">Whether each subject had the event at its time (otherwise it is censored then).</param>
    /// <returns>The curve at its event times, with the median.</returns>
    /// <exception cref="ArgumentException">The spans differ in length, are empty, or a time is negative or not finite
    /// (the message gives its index).</exception>
    public KaplanMeierCurve KaplanMeier(ReadOnlySpan<double> time, ReadOnlySpan<bool> died)
    {
        var sample = SortedSample.Create(time, died, default, 1, nameof(time), nameof(died), "group");
        Log(sample.Times.Length);
        return Curve(RiskSets.Of(sample, -1));
    }

    /// <summary>The Nelson–Aalen cumulative hazard of all subjects.</summary>
    /// <param name="time">Each subject's time: finite and non-negative.</param>
    /// <param name="died">Whether each subject had the event at its time.</param>
    /// <returns>The cumulative hazard at each event time.</returns>
    /// <exception cref="ArgumentException">As for <see cref="KaplanMeier"/>.</exception>
    public NelsonAalenCurve NelsonAalen(ReadOnlySpan<double> time, ReadOnlySpan<bool> died)
    {
        var sets = RiskSets.Of(SortedSample.Create(time, died, default, 1, nameof(time), nameof(died), "group"), -1);
        Log(sets.Subjects);
        var times = new List<double>();
        var hazard = new List<double>();
        var error = new List<double>();
        double h = 0, v = 0;
        for (var i = 0; i < sets.Times.Length; i++)
        {
            if (sets.Events[i] == 0) { continue; }
            double d = sets.Events[i], n = sets.AtRisk[i];
            h += d / n;
            v += d / (n * n);
            times.Add(sets.Times[i]);
            hazard.Add(h);
            error.Add(Math.Sqrt(v));
        }

        return new NelsonAalenCurve { Times = times, CumulativeHazard = hazard, StandardError = error };
    }

    /// <summary>The curve of all subjects, one curve per group and the log-rank test across groups, from one sort.</summary>
    /// <param name="time">Each subject's time: finite and non-negative.</param>
    /// <param name="died">Whether each subject had the event at its time.</param>
    /// <param name="group">Each subject's group; every category must have at least one subject.</param>
    /// <returns>The comparison.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a time is invalid, or a group category has no subject (named).</exception>
    public SurvivalComparison Compare(ReadOnlySpan<double> time, ReadOnlySpan<bool> died, CategoricalColumn group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var sample = SortedSample.Create(time, died, group.Codes, group.Categories.Count, nameof(time), nameof(died), nameof(group));
        for (var g = 0; g < sample.GroupCount; g++)
        {
            if (sample.GroupSizes[g] == 0)
            {
                throw new ArgumentException($"Group '{group.Categories[g]}' of column '{group.Name}' has no subjects.", nameof(group));
            }
        }

        Log(sample.Times.Length);
        using var activity = TemporalTelemetry.ActivitySource.StartActivity("SurvivalAnalyzer.Compare");
        var curves = new GroupCurve[sample.GroupCount];
        for (var g = 0; g < curves.Length; g++)
        {
            curves[g] = new GroupCurve { Group = group.Categories[g], Curve = Curve(RiskSets.Of(sample, g)) };
        }

        return new SurvivalComparison { Overall = Curve(RiskSets.Of(sample, -1)), Groups = curves, LogRank = LogRankTest.Compute(sample) };
    }

    /// <summary>The log-rank test across groups given as codes.</summary>
    /// <param name="time">Each subject's time: finite and non-negative.</param>
    /// <param name="died">Whether each subject had the event at its time.</param>
    /// <param name="group">Each subject's group code in [0, <paramref name="groupCount"/>).</param>
    /// <param name="groupCount">The number of groups (at least 2); every group needs a subject.</param>
    /// <returns>The test.</returns>
    /// <exception cref="ArgumentException">Lengths differ, a time or code is invalid, or a group has no subject.</exception>
    public LogRankResult LogRank(ReadOnlySpan<double> time, ReadOnlySpan<bool> died, ReadOnlySpan<int> group, int groupCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupCount, 2);
        var sample = SortedSample.Create(time, died, group, groupCount, nameof(time), nameof(died), nameof(group));
        var empty = Array.IndexOf(sample.GroupSizes, 0);
        if (empty >= 0)
        {
            throw new ArgumentException($"Group {empty} has no subjects.", nameof(group));
        }

        Log(sample.Times.Length);
        return LogRankTest.Compute(sample);
    }

    /// <summary>The discrete-time hazard table over periods of length <paramref name="periodLength"/>.</summary>
    /// <param name="time">Each subject's time: finite and non-negative.</param>
    /// <param name="died">Whether each subject had the event at its time.</param>
    /// <param name="periodLength">The period length, positive and finite.</param>
    /// <param name="periods">The largest number of periods, at least 1; the table stops earlier when nobody is left at risk.</param>
    /// <returns>The table.</returns>
    /// <exception cref="ArgumentException">Lengths differ or a time is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="periodLength"/> or <paramref name="periods"/> is out of range.</exception>
    public DiscreteHazardTable HazardTable(ReadOnlySpan<double> time, ReadOnlySpan<bool> died, double periodLength, int periods)
    {
        if (!double.IsFinite(periodLength) || periodLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(periodLength), periodLength, "The period length must be positive and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(periods, 1);
        var sample = SortedSample.Create(time, died, default, 1, nameof(time), nameof(died), "group");
        Log(sample.Times.Length);
        var rows = new List<HazardPeriod>();
        var i = 0;
        var survival = 1.0;
        var remaining = sample.Times.Length;
        for (var k = 0; k < periods && remaining > 0; k++)
        {
            var end = (k + 1) * periodLength;
            int events = 0, censored = 0;
            for (; i < sample.Times.Length && sample.Times[i] < end; i++)
            {
                if ((sample.Codes[i] & 1) == 1) { events++; } else { censored++; }
            }

            var hazard = (double)events / remaining;
            survival *= 1 - hazard;
            rows.Add(new HazardPeriod
            {
                Period = k,
                AtRisk = remaining,
                Events = events,
                Censored = censored,
                Hazard = hazard,
                HazardInterval = WilsonInterval.Of(events, remaining, _z, _options.ConfidenceLevel),
                Survival = survival,
            });
            remaining -= events + censored;
        }

        return new DiscreteHazardTable { PeriodLength = periodLength, Periods = rows };
    }

    private KaplanMeierCurve Curve(RiskSets sets)
    {
        var level = _options.ConfidenceLevel;
        var all = sets.Times.Length;
        var survivalAll = new double[all];
        var lowAll = new double[all];
        var highAll = new double[all];
        var times = new List<double>();
        var atRisk = new List<int>();
        var events = new List<int>();
        var survival = new List<double>();
        var error = new List<double>();
        var intervals = new List<ConfidenceInterval>();
        double s = 1, greenwood = 0, low = 1, high = 1;
        for (var i = 0; i < all; i++)
        {
            int d = sets.Events[i], n = sets.AtRisk[i];
            if (d > 0)
            {
                s *= 1 - (double)d / n;
                greenwood += d == n ? double.PositiveInfinity : (double)d / ((double)n * (n - d));
                var logError = Math.Sqrt(greenwood);
                var se = s == 0 ? 0 : s * logError;
                (low, high) = s == 0 ? (double.NaN, double.NaN) : (Math.Exp(Math.Log(s) - _z * logError), Math.Min(1, Math.Exp(Math.Log(s) + _z * logError)));
                times.Add(sets.Times[i]);
                atRisk.Add(n);
                events.Add(d);
                survival.Add(s);
                error.Add(se);
                intervals.Add(s == 0 ? new ConfidenceInterval(0, 0, level) : new ConfidenceInterval(low, high, level));
            }

            survivalAll[i] = s;
            lowAll[i] = low;
            highAll[i] = high;
        }

        var median = MedianSurvival.Find(sets.Times, survivalAll);
        // The lower confidence curve falls to 0.5 first: it gives the lower bound of the median, the upper curve the upper.
        var medianLow = MedianSurvival.Find(sets.Times, lowAll);
        var medianHigh = MedianSurvival.Find(sets.Times, highAll);
        return new KaplanMeierCurve
        {
            SubjectCount = sets.Subjects,
            EventCount = sets.EventCount,
            Times = times,
            AtRisk = atRisk,
            Events = events,
            Survival = survival,
            StandardError = error,
            Intervals = intervals,
            Median = double.IsNaN(median) ? null : median,
            MedianInterval = new ConfidenceInterval(
                double.IsNaN(medianLow) ? double.PositiveInfinity : medianLow,
                double.IsNaN(medianHigh) ? double.PositiveInfinity : medianHigh,
                level),
            AllTimes = sets.Times,
            AllAtRisk = sets.AtRisk,
        };
    }

    private void Log(int subjects)
    {
        TemporalTelemetry.SubjectsAnalyzed.Add(subjects);
        LogAnalyzed(_logger, subjects);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Survival analysis of {Subjects} subjects.")]
    private static partial void LogAnalyzed(ILogger logger, int subjects);
}
