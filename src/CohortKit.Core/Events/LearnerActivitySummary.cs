namespace CohortKit.Events;

/// <summary>Per-learner totals of an <see cref="ActivityLog"/> over a time window: the usual experiment metrics, one value per learner row.</summary>
/// <remarks>Immutable; arrays are indexed by learner row.</remarks>
public sealed class LearnerActivitySummary
{
    private LearnerActivitySummary(int learners)
    {
        Sessions = new double[learners];
        Minutes = new double[learners];
        Lessons = new double[learners];
        Assessments = new double[learners];
        ScoreSum = new double[learners];
        ActiveDays = new double[learners];
    }

    /// <summary>Gets the number of sessions per learner.</summary>
    public double[] Sessions { get; }

    /// <summary>Gets the session minutes per learner.</summary>
    public double[] Minutes { get; }

    /// <summary>Gets the lessons completed per learner.</summary>
    public double[] Lessons { get; }

    /// <summary>Gets the assessments taken per learner.</summary>
    public double[] Assessments { get; }

    /// <summary>Gets the sum of assessment scores per learner (divide by <see cref="Assessments"/> for the mean).</summary>
    public double[] ScoreSum { get; }

    /// <summary>Gets the number of distinct UTC calendar days with any event per learner.</summary>
    public double[] ActiveDays { get; }

    /// <summary>Totals each learner's events with timestamps in [from, to).</summary>
    /// <param name="log">The events.</param>
    /// <param name="fromUtcTicks">Inclusive start (UTC ticks); <see cref="long.MinValue"/> for no bound.</param>
    /// <param name="toUtcTicks">Exclusive end (UTC ticks); <see cref="long.MaxValue"/> for no bound.</param>
    /// <returns>The totals.</returns>
    public static LearnerActivitySummary Compute(ActivityLog log, long fromUtcTicks = long.MinValue, long toUtcTicks = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(log);
        var s = new LearnerActivitySummary(log.LearnerCount);
        for (var l = 0; l < log.LearnerCount; l++)
        {
            var e = log.ForLearner(l);
            var lastDay = long.MinValue;
            for (var i = 0; i < e.Count; i++)
            {
                var t = e.Timestamps[i];
                if (t < fromUtcTicks || t >= toUtcTicks) { continue; }
                var day = t / TimeSpan.TicksPerDay;
                if (day != lastDay) { s.ActiveDays[l]++; lastDay = day; }
                switch (e.Kinds[i])
                {
                    case LearnerEventKind.Session: s.Sessions[l]++; s.Minutes[l] += e.Values[i]; break;
                    case LearnerEventKind.Lesson: s.Lessons[l] += e.Values[i]; break;
                    default: s.Assessments[l]++; s.ScoreSum[l] += e.Values[i]; break;
                }
            }
        }

        return s;
    }
}
