using CohortKit.Events;

namespace CohortKit.Core.Tests.Events;

public class LearnerActivitySummaryTests
{
    [Fact]
    public void PublicColumns_AreReadOnlyViewsNotArrays()
    {
        typeof(LearnerActivitySummary).GetProperties().Should().NotContain(p => p.PropertyType.IsArray);
    }

    [Fact]
    public void Compute_TotalsEachLearnerWithinTheWindow()
    {
        var day = TimeSpan.TicksPerDay;
        // learner 0: a session of 10 min and a lesson (2) on day 0, an assessment (80) on day 1; learner 1: nothing; learner 2: one session on day 3.
        var log = new ActivityLog([0, 3, 3, 4],
            [1 * TimeSpan.TicksPerHour, 2 * TimeSpan.TicksPerHour, day + 5, 3 * day],
            [LearnerEventKind.Session, LearnerEventKind.Lesson, LearnerEventKind.Assessment, LearnerEventKind.Session],
            [10, 2, 80, 7]);
        var all = LearnerActivitySummary.Compute(log);
        all.Sessions.ToArray().Should().Equal(1, 0, 1);
        all.Minutes.ToArray().Should().Equal(10, 0, 7);
        all.Lessons.ToArray().Should().Equal(2, 0, 0);
        all.Assessments.ToArray().Should().Equal(1, 0, 0);
        all.ScoreSum.ToArray().Should().Equal(80, 0, 0);
        all.ActiveDays.ToArray().Should().Equal(2, 0, 1);
        var firstDay = LearnerActivitySummary.Compute(log, 0, day);
        firstDay.ActiveDays.ToArray().Should().Equal(1, 0, 0);
        firstDay.Assessments.ToArray().Should().Equal(0, 0, 0);
    }
}
