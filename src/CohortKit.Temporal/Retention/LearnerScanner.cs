using CohortKit.Events;
using CohortKit.Learners;

namespace CohortKit.Temporal.Retention;

/// <summary>Counts one learner's retained columns from their time-ordered events: each distinct active period once
/// (N-day, bracket), or every period up to the last active one (unbounded). Events at or after the learner's end of observation are ignored;
/// no event precedes the signup day (checked before).</summary>
internal sealed class LearnerScanner(LearnerAttributes learners, ActivityLog log, RetentionKind kind, PeriodBracket[] columns, PeriodClock clock, long[] endTicks, int lastPeriod)
{
    private readonly bool[] _credited = new bool[columns.Length];

    public void Scan(int learner, Span<long> counts)
    {
        var ticks = log.Timestamps[log.Offsets[learner]..log.Offsets[learner + 1]];
        if (ticks.IsEmpty)
        {
            return;
        }

        var signup = learners.SignupDates[learner];
        var end = endTicks[learner];
        if (kind == RetentionKind.Unbounded)
        {
            var last = ticks.Length - 1;
            while (last >= 0 && ticks[last] >= end) { last--; }
            if (last < 0) { return; }
            var through = Math.Min(clock.PeriodOf(signup, ticks[last], 0), columns.Length - 1);
            for (var k = 0; k <= through; k++) { counts[k]++; }
            return;
        }

        Array.Clear(_credited);
        var period = -1;
        var nextStart = long.MinValue;
        foreach (var t in ticks)
        {
            if (t >= end) { break; }
            if (t < nextStart) { continue; }
            period = clock.PeriodOf(signup, t, Math.Max(period, 0));
            if (period > lastPeriod) { break; }
            nextStart = clock.Start(signup, period + 1);
            Credit(period, counts);
        }
    }

    private void Credit(int period, Span<long> counts)
    {
        if (kind == RetentionKind.NDay)
        {
            counts[period]++;
            return;
        }

        for (var j = 0; j < columns.Length; j++)
        {
            if (!_credited[j] && period >= columns[j].First && period <= columns[j].Last)
            {
                _credited[j] = true;
                counts[j]++;
            }
        }
    }
}
