using CohortKit.Statistics;

namespace CohortKit.Temporal.Survival;

/// <summary>A Kaplan–Meier survival curve as R's <c>summary(survfit(...))</c> lists it: one entry per time with at least one
/// event, with the Greenwood standard error of S(t) and the log-transformed interval (R's default <c>conf.type = "log"</c>).</summary>
/// <remarks>Immutable and thread-safe. When the curve reaches 0 (everyone left at risk has the event) the Greenwood variance
/// is infinite; there the standard error is reported as 0 and the interval as [0, 0], where R prints NaN and NA.</remarks>
public sealed record KaplanMeierCurve
{
    /// <summary>Gets the number of subjects.</summary>
    public required int SubjectCount { get; init; }

    /// <summary>Gets the number of events.</summary>
    public required int EventCount { get; init; }

    /// <summary>Gets the event times, ascending.</summary>
    public required IReadOnlyList<double> Times { get; init; }

    /// <summary>Gets the number at risk just before each event time.</summary>
    public required IReadOnlyList<int> AtRisk { get; init; }

    /// <summary>Gets the number of events at each event time.</summary>
    public required IReadOnlyList<int> Events { get; init; }

    /// <summary>Gets S(t) just after each event time: the product of (1 − d/n) up to it.</summary>
    public required IReadOnlyList<double> Survival { get; init; }

    /// <summary>Gets the standard error of S(t) (Greenwood): S(t)·√Σ d/(n(n − d)), R's <c>std.err</c> in <c>summary</c>.</summary>
    public required IReadOnlyList<double> StandardError { get; init; }

    /// <summary>Gets the log-transformed interval of S(t): exp(log S ± z·√Σ d/(n(n − d))), the upper bound capped at 1.</summary>
    public required IReadOnlyList<ConfidenceInterval> Intervals { get; init; }

    /// <summary>Gets the median survival time (R's <c>quantile(fit, 0.5)</c>: the first time S(t) falls below 0.5, or the
    /// middle of the stretch where it is exactly 0.5), or <see langword="null"/> when the curve never reaches 0.5.</summary>
    public required double? Median { get; init; }

    /// <summary>Gets the interval of the median: where the lower and the upper confidence curves reach 0.5 (R's
    /// <c>quantile(fit, 0.5)</c> lower and upper). A bound that is not reached (R's NA) is <see cref="double.PositiveInfinity"/>.</summary>
    public required ConfidenceInterval MedianInterval { get; init; }

    /// <summary>Every distinct time (event or censoring), for <see cref="At"/>.</summary>
    internal double[] AllTimes { get; init; } = [];

    /// <summary>The number at risk at each of <see cref="AllTimes"/>.</summary>
    internal int[] AllAtRisk { get; init; } = [];

    /// <summary>The curve at any time, as R's <c>summary(fit, times = t, extend = TRUE)</c>: the values at the last event time
    /// at or before <paramref name="time"/> (S = 1, standard error 0 and interval [1, 1] before the first event), and the
    /// number still at risk at that time (0 past the last follow-up).</summary>
    /// <param name="time">A finite, non-negative time.</param>
    /// <returns>The curve's values there.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="time"/> is negative or not finite.</exception>
    public SurvivalAt At(double time)
    {
        if (!double.IsFinite(time) || time < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "The time must be finite and non-negative.");
        }

        var risk = AllTimes.AsSpan().BinarySearch(time);
        var firstAtOrAfter = risk >= 0 ? FirstOf(AllTimes, risk) : ~risk;
        var atRisk = firstAtOrAfter < AllAtRisk.Length ? AllAtRisk[firstAtOrAfter] : 0;
        var last = LastEventAtOrBefore(time);
        var level = MedianInterval.Level;
        return last < 0
            ? new SurvivalAt { Time = time, AtRisk = atRisk, Survival = 1, StandardError = 0, Interval = new ConfidenceInterval(1, 1, level) }
            : new SurvivalAt { Time = time, AtRisk = atRisk, Survival = Survival[last], StandardError = StandardError[last], Interval = Intervals[last] };
    }

    private int LastEventAtOrBefore(double time)
    {
        int lo = 0, hi = Times.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Times[mid] <= time) { found = mid; lo = mid + 1; }
            else { hi = mid - 1; }
        }

        return found;
    }

    private static int FirstOf(double[] times, int index)
    {
        while (index > 0 && times[index - 1] == times[index]) { index--; }
        return index;
    }
}

/// <summary>A Kaplan–Meier curve read at one time (<see cref="KaplanMeierCurve.At"/>).</summary>
public sealed record SurvivalAt
{
    /// <summary>Gets the time asked for.</summary>
    public required double Time { get; init; }

    /// <summary>Gets the number of subjects still at risk at that time.</summary>
    public required int AtRisk { get; init; }

    /// <summary>Gets S(t).</summary>
    public required double Survival { get; init; }

    /// <summary>Gets the Greenwood standard error of S(t).</summary>
    public required double StandardError { get; init; }

    /// <summary>Gets the log-transformed interval of S(t).</summary>
    public required ConfidenceInterval Interval { get; init; }
}
