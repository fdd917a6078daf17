using System.Globalization;

namespace CohortKit.Reliability.Slo;

/// <summary>Request counts of one minute.</summary>
/// <param name="Minute">The minute, counted from 0.</param>
/// <param name="Total">Requests in that minute, at least 0.</param>
/// <param name="Errors">Bad requests among them, 0 to <paramref name="Total"/>.</param>
public readonly record struct MinuteCounts(long Minute, long Total, long Errors);

/// <summary>One firing of one alert rule in a replay.</summary>
public sealed record AlertEpisode
{
    /// <summary>Gets the rule's severity.</summary>
    public required AlertSeverity Severity { get; init; }

    /// <summary>Gets the rule's long window.</summary>
    public required TimeSpan LongWindow { get; init; }

    /// <summary>Gets the rule's short window.</summary>
    public required TimeSpan ShortWindow { get; init; }

    /// <summary>Gets the rule's burn-rate threshold.</summary>
    public required double BurnRate { get; init; }

    /// <summary>Gets the first minute at which both windows exceeded the burn rate.</summary>
    public required long FiredAtMinute { get; init; }

    /// <summary>Gets the first later minute at which either window no longer did, or null when it still fired at the last minute.</summary>
    public required long? ClearedAtMinute { get; init; }
}

/// <summary>The burn rates of one alert rule's two windows at every minute of a replay: the series a burn-rate chart draws.</summary>
public sealed record RuleBurnRates
{
    /// <summary>Gets the rule's severity.</summary>
    public required AlertSeverity Severity { get; init; }

    /// <summary>Gets the rule's long window.</summary>
    public required TimeSpan LongWindow { get; init; }

    /// <summary>Gets the rule's short window.</summary>
    public required TimeSpan ShortWindow { get; init; }

    /// <summary>Gets the rule's burn-rate threshold: it fires while both series are strictly above it.</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets the long window's burn rate at minute m (index m, from 0 to the last minute): the error ratio of the minutes
    /// (m − w, m] divided by 1 − objective (with the low-traffic floor in the denominator when set).</summary>
    public required IReadOnlyList<double> LongWindowBurnRates { get; init; }

    /// <summary>Gets the short window's burn rate at minute m, defined as <see cref="LongWindowBurnRates"/>.</summary>
    public required IReadOnlyList<double> ShortWindowBurnRates { get; init; }
}

/// <summary>What a replay found.</summary>
public sealed record SloReplayResult
{
    /// <summary>Gets the objective.</summary>
    public required double Objective { get; init; }

    /// <summary>Gets the share of the error budget spent over the last period of the replay (all of it when shorter):
    /// errors / (requests × (1 − objective)); 0 without requests.</summary>
    public required double BudgetConsumed { get; init; }

    /// <summary>Gets every firing, ordered by the minute it fired, then by rule.</summary>
    public required IReadOnlyList<AlertEpisode> Alerts { get; init; }

    /// <summary>Gets each rule's per-minute burn rates, in the order of the rules.</summary>
    public required IReadOnlyList<RuleBurnRates> BurnRates { get; init; }
}

/// <summary>Replays per-minute request counts through <see cref="SloMonitor"/> with one-minute buckets and a clock that steps
/// one minute at a time: at each minute m from 0 to the last minute, m's counts are recorded and the rules evaluated, each
/// window covering the minutes (m − w, m]. Minutes missing from the input had no requests.</summary>
public static class SloReplay
{
    /// <summary>The longest replay, in minutes (two years: 1,051,200): each minute holds six burn-rate values, so memory and time
    /// grow with the last minute, not with the rows. Minutes count from the start of the series, not from the Unix epoch.</summary>
    public const long MaxMinutes = 2 * 365 * 24 * 60;

    /// <summary>The largest number of requests a replay may hold in all (2^53): beyond it counts are no longer exact in the
    /// double-precision ratios.</summary>
    public const long MaxTotalRequests = 1L << 53;

    /// <summary>Replays <paramref name="minutes"/>.</summary>
    /// <param name="minutes">Counts per minute, minutes strictly increasing from 0 or more.</param>
    /// <param name="options">The objective, period and rules; <see cref="SloOptions.BucketWidth"/> is replaced by one minute,
    /// so every window must be whole minutes.</param>
    /// <returns>The budget spent, every alert firing and each rule's per-minute burn rates.</returns>
    /// <exception cref="ArgumentException">A minute is negative, out of order or at or beyond <see cref="MaxMinutes"/>, counts are
    /// negative, errors exceed the total, or the totals add up to more than <see cref="MaxTotalRequests"/> (the message names the row); an option is invalid (<see cref="ArgumentOutOfRangeException"/> naming it).</exception>
    public static SloReplayResult Run(IReadOnlyList<MinuteCounts> minutes, SloOptions options)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Snapshot();
        copy.BucketWidth = TimeSpan.FromMinutes(1);
        Check(minutes);
        var clock = new ReplayClock();
        var monitor = new SloMonitor(copy, clock);
        var rules = monitor.RuleCount;
        Span<bool> firing = stackalloc bool[rules];
        Span<double> longNow = stackalloc double[rules];
        Span<double> shortNow = stackalloc double[rules];
        var length = minutes.Count == 0 ? 0 : checked((int)(minutes[^1].Minute + 1));
        var longSeries = new double[rules][];
        var shortSeries = new double[rules][];
        for (var i = 0; i < rules; i++)
        {
            longSeries[i] = new double[length];
            shortSeries[i] = new double[length];
        }

        var open = new int[rules];
        open.AsSpan().Fill(-1);
        var episodes = new List<AlertEpisode>();
        var last = minutes.Count == 0 ? -1 : minutes[^1].Minute;
        var next = 0;
        for (long m = 0; m <= last; m++)
        {
            clock.Minute = m;
            if (minutes[next].Minute == m)
            {
                monitor.RecordCounts(minutes[next].Total, minutes[next].Errors);
                next++;
            }

            monitor.EvaluateFiring(firing, longNow, shortNow);
            for (var i = 0; i < rules; i++)
            {
                longSeries[i][m] = longNow[i];
                shortSeries[i][m] = shortNow[i];
                if (firing[i] && open[i] < 0)
                {
                    var rule = monitor.RuleAt(i);
                    open[i] = episodes.Count;
                    episodes.Add(new AlertEpisode
                    {
                        Severity = rule.Severity, LongWindow = rule.LongWindow, ShortWindow = rule.ShortWindow, BurnRate = rule.BurnRate,
                        FiredAtMinute = m, ClearedAtMinute = null,
                    });
                }
                else if (!firing[i] && open[i] >= 0)
                {
                    episodes[open[i]] = episodes[open[i]] with { ClearedAtMinute = m };
                    open[i] = -1;
                }
            }
        }

        var status = monitor.Evaluate();
        var burnRates = Enumerable.Range(0, rules).Select(i =>
        {
            var rule = monitor.RuleAt(i);
            return new RuleBurnRates
            {
                Severity = rule.Severity, LongWindow = rule.LongWindow, ShortWindow = rule.ShortWindow, Threshold = rule.BurnRate,
                LongWindowBurnRates = Array.AsReadOnly(longSeries[i]), ShortWindowBurnRates = Array.AsReadOnly(shortSeries[i]),
            };
        }).ToList();
        return new SloReplayResult
        {
            Objective = copy.Objective, BudgetConsumed = status.ErrorBudgetConsumed, Alerts = episodes, BurnRates = burnRates.AsReadOnly(),
        };
    }

    private static void Check(IReadOnlyList<MinuteCounts> minutes)
    {
        long sum = 0;
        for (var i = 0; i < minutes.Count; i++)
        {
            var (m, total, errors) = minutes[i];
            var row = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (m < 0 || (i > 0 && m <= minutes[i - 1].Minute))
            {
                throw new ArgumentException($"Row {row}: minute {m} must be at least 0 and greater than the previous row's minute.", nameof(minutes));
            }

            if (total < 0 || errors < 0 || errors > total)
            {
                throw new ArgumentException($"Row {row} (minute {m}): total {total} and errors {errors} must satisfy 0 ≤ errors ≤ total.", nameof(minutes));
            }

            if (m >= MaxMinutes)
            {
                throw new ArgumentException($"Row {row}: minute {m} is beyond the longest replay ({MaxMinutes} minutes, two years); minutes count from the start of the series, not from the Unix epoch.", nameof(minutes));
            }

            if (total > MaxTotalRequests - sum)
            {
                throw new ArgumentException($"Row {row} (minute {m}): total {total} takes the requests of the replay above 2^53 ({MaxTotalRequests}), where counts stop being exact.", nameof(minutes));
            }

            sum += total;
        }
    }

    /// <summary>A clock set by hand to the start of a minute since the Unix epoch.</summary>
    private sealed class ReplayClock : TimeProvider
    {
        public long Minute { get; set; }

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMinutes(Minute);
    }
}
