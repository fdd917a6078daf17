namespace CohortKit.Temporal.Retention;

/// <summary>Where retention periods start, in UTC ticks, for a learner who signed up on a given day.</summary>
internal readonly struct PeriodClock(RetentionPeriod period)
{
    private readonly long _fixedTicks = period switch
    {
        RetentionPeriod.Day => TimeSpan.TicksPerDay,
        RetentionPeriod.Week => 7 * TimeSpan.TicksPerDay,
        _ => 0,
    };

    /// <summary>The first tick of period <paramref name="k"/> (period 0 starts at midnight of the signup day).</summary>
    public long Start(DateOnly signup, int k) => _fixedTicks != 0
        ? signup.DayNumber * TimeSpan.TicksPerDay + k * _fixedTicks
        : signup.AddMonths(k).DayNumber * TimeSpan.TicksPerDay;

    /// <summary>The period holding <paramref name="ticks"/> (≥ the signup tick), searching up from <paramref name="from"/>
    /// (a period known to start at or before it).</summary>
    public int PeriodOf(DateOnly signup, long ticks, int from)
    {
        if (_fixedTicks != 0)
        {
            return (int)Math.Min(int.MaxValue, (ticks - signup.DayNumber * TimeSpan.TicksPerDay) / _fixedTicks);
        }

        var k = from;
        while (k < MaxMonths && Start(signup, k + 1) <= ticks) { k++; }
        return k;
    }

    /// <summary>The number of periods, from 0, that end at or before <paramref name="endTicks"/>, capped at <paramref name="cap"/>.</summary>
    public int CompletePeriods(DateOnly signup, long endTicks, int cap)
    {
        if (_fixedTicks != 0)
        {
            var whole = (endTicks - signup.DayNumber * TimeSpan.TicksPerDay) / _fixedTicks;
            return (int)Math.Clamp(whole, 0, cap);
        }

        var k = 0;
        while (k < cap && Start(signup, k + 1) <= endTicks) { k++; }
        return k;
    }

    // DateOnly ends in 9999: no learner can be more months than this past signup.
    private const int MaxMonths = 12 * 10_000;
}
