namespace CohortKit.Temporal.Retention;

/// <summary>How learners are grouped into cohorts.</summary>
public enum CohortGrouping
{
    /// <summary>By signup day.</summary>
    SignupDay = 0,

    /// <summary>By signup week; weeks start on Monday.</summary>
    SignupWeek = 1,

    /// <summary>By signup calendar month.</summary>
    SignupMonth = 2,

    /// <summary>By the value of a categorical attribute (<see cref="RetentionDefinition.Attribute"/>).</summary>
    Attribute = 3,
}

/// <summary>The length of a retention period, counted from each learner's own signup day (as Amplitude does).</summary>
public enum RetentionPeriod
{
    /// <summary>Period k is day signup + k.</summary>
    Day = 0,

    /// <summary>Period k is days [signup + 7k, signup + 7k + 7).</summary>
    Week = 1,

    /// <summary>Period k is [signup + k months, signup + k + 1 months) (calendar months, clamped to the month's last day).</summary>
    Month = 2,
}

/// <summary>What "retained in period k" means.</summary>
public enum RetentionKind
{
    /// <summary>N-day: active in period k.</summary>
    NDay = 0,

    /// <summary>Unbounded: active in period k or any later period inside the window.</summary>
    Unbounded = 1,

    /// <summary>Bracket: active in any period of a custom range (<see cref="RetentionDefinition.Brackets"/>).</summary>
    Bracket = 2,
}

/// <summary>A custom range of periods, both ends included, for <see cref="RetentionKind.Bracket"/>.</summary>
/// <param name="First">The first period (≥ 0).</param>
/// <param name="Last">The last period (≥ <paramref name="First"/>).</param>
public readonly record struct PeriodBracket(int First, int Last);

/// <summary>The observed window: the days, both ends included, for which the activity log is complete.</summary>
/// <param name="Start">The first observed day.</param>
/// <param name="End">The last observed day.</param>
public readonly record struct ObservationWindow(DateOnly Start, DateOnly End)
{
    /// <summary>The window from the first to the last day with any event (the default of retention and progression).</summary>
    /// <param name="log">The events.</param>
    /// <returns>The window.</returns>
    /// <exception cref="ArgumentException">The log has no events.</exception>
    public static ObservationWindow Spanning(Events.ActivityLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        long first = long.MaxValue, last = long.MinValue;
        var offsets = log.Offsets;
        var ticks = log.Timestamps;
        for (var l = 0; l < log.LearnerCount; l++)
        {
            if (offsets[l + 1] == offsets[l]) { continue; }
            first = Math.Min(first, ticks[offsets[l]]);
            last = Math.Max(last, ticks[offsets[l + 1] - 1]);
        }

        if (first == long.MaxValue)
        {
            throw new ArgumentException("The log has no events, so it observes no window; give the window explicitly.", nameof(log));
        }

        return new ObservationWindow(DateOnly.FromDayNumber((int)(first / TimeSpan.TicksPerDay)), DateOnly.FromDayNumber((int)(last / TimeSpan.TicksPerDay)));
    }
}

/// <summary>What a retention matrix counts.</summary>
/// <remarks>Immutable; validated by <see cref="RetentionAnalyzer.Compute"/>.</remarks>
public sealed record RetentionDefinition
{
    /// <summary>Gets how learners are grouped.</summary>
    /// <value>The default value is <see cref="CohortGrouping.SignupWeek"/>.</value>
    public CohortGrouping CohortBy { get; init; } = CohortGrouping.SignupWeek;

    /// <summary>Gets the attribute to group by when <see cref="CohortBy"/> is <see cref="CohortGrouping.Attribute"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Attribute { get; init; }

    /// <summary>Gets the period length.</summary>
    /// <value>The default value is <see cref="RetentionPeriod.Week"/>.</value>
    public RetentionPeriod Period { get; init; } = RetentionPeriod.Week;

    /// <summary>Gets the retention definition.</summary>
    /// <value>The default value is <see cref="RetentionKind.NDay"/>.</value>
    public RetentionKind Kind { get; init; } = RetentionKind.NDay;

    /// <summary>Gets the number of periods (columns) for N-day and unbounded retention, from period 0.</summary>
    /// <value>The default value is 12.</value>
    public int Periods { get; init; } = 12;

    /// <summary>Gets the brackets (columns) for <see cref="RetentionKind.Bracket"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<PeriodBracket>? Brackets { get; init; }

    /// <summary>Gets the observed window; <see langword="null"/> means from the first to the last day with any event.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ObservationWindow? Window { get; init; }

    /// <summary>Gets, per learner (item i is learner i), the last day that learner is observed, for data whose observation
    /// ends earlier for some learners than the window does (a course presentation that ends before the last one);
    /// <see langword="null"/> means every learner is observed to the window's end.</summary>
    /// <remarks>A learner's observation ends at the earlier of this day and the window's end: their events after it are
    /// ignored, and a cohort's cell is null when its period is not fully observed for every member.</remarks>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyList<DateOnly>? LearnerObservedThrough { get; init; }
}
