namespace CohortKit.Events;

/// <summary>Per-learner totals of an <see cref="ActivityLog"/> over a time window: the usual experiment metrics, one value per learner row.</summary>
/// <remarks>Immutable: every column is a read-only view indexed by learner row; safe to share between threads.</remarks>
public sealed class LearnerActivitySummary
{
    private readonly double[] _sessions, _minutes, _lessons, _assessments, _scoreSum, _activeDays;

    private LearnerActivitySummary(int learners)
    {
        _sessions = new double[learners];
        _minutes = new double[learners];
        _lessons = new double[learners];
        _assessments = new double[learners];
        _scoreSum = new double[learners];
        _activeDays = new double[learners];
    }

    /// <summary>Gets the number of sessions per learner.</summary>
    public ReadOnlyMemory<double> Sessions => _sessions;

    /// <summary>Gets the session minutes per learner.</summary>
    public ReadOnlyMemory<double> Minutes => _minutes;

    /// <summary>Gets the lessons completed per learner.</summary>
    public ReadOnlyMemory<double> Lessons => _lessons;

    /// <summary>Gets the assessments taken per learner.</summary>
    public ReadOnlyMemory<double> Assessments => _assessments;

    /// <summary>Gets the sum of assessment scores per learner (divide by <see cref="Assessments"/> for the mean).</summary>
    public ReadOnlyMemory<double> ScoreSum => _scoreSum;

    /// <summary>Gets the number of distinct UTC calendar days with any event per learner.</summary>
    public ReadOnlyMemory<double> ActiveDays => _activeDays;

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
                if (day != lastDay) { s._activeDays[l]++; lastDay = day; }
                switch (e.Kinds[i])
                {
                    case LearnerEventKind.Session: s._sessions[l]++; s._minutes[l] += e.Values[i]; break;
                    case LearnerEventKind.Lesson: s._lessons[l] += e.Values[i]; break;
                    default: s._assessments[l]++; s._scoreSum[l] += e.Values[i]; break;
                }
            }
        }

        return s;
    }
}
