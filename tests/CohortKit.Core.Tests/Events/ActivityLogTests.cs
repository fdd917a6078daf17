using CohortKit.Events;

namespace CohortKit.Core.Tests.Events;

public class ActivityLogTests
{
    [Fact]
    public void FromUnsorted_GroupsByLearnerAndSortsByTime_Stably()
    {
        int[] rows = [2, 0, 2, 1, 0, 2];
        long[] ts = [30, 20, 10, 5, 10, 10];
        LearnerEventKind[] kinds = [LearnerEventKind.Session, LearnerEventKind.Lesson, LearnerEventKind.Session, LearnerEventKind.Assessment, LearnerEventKind.Session, LearnerEventKind.Lesson];
        float[] values = [1, 2, 3, 4, 5, 6];
        var log = ActivityLog.FromUnsorted(4, rows, ts, kinds, values);
        log.Offsets.ToArray().Should().Equal(0, 2, 3, 6, 6);
        log.ForLearner(0).Timestamps.ToArray().Should().Equal(10, 20);
        log.ForLearner(0).Values.ToArray().Should().Equal(5, 2);
        // learner 2: times 30, 10, 10 -> 10 (value 3), 10 (value 6), 30 (value 1): ties keep input order
        log.ForLearner(2).Values.ToArray().Should().Equal(3, 6, 1);
        log.ForLearner(3).Count.Should().Be(0);
    }

    [Fact]
    public void Constructor_TimeGoingBackwards_Throws()
    {
        var act = () => new ActivityLog([0, 2], [5, 4], [LearnerEventKind.Session, LearnerEventKind.Session], [1, 1]);
        act.Should().Throw<ArgumentException>().WithMessage("*earlier*");
    }

    [Fact]
    public void Constructor_NegativeValue_Throws()
    {
        var act = () => new ActivityLog([0, 1], [5], [LearnerEventKind.Session], [-1]);
        act.Should().Throw<ArgumentException>().WithMessage("*non-negative*");
    }

    [Fact]
    public void FromUnsorted_RowOutOfRange_Throws()
    {
        var act = () => ActivityLog.FromUnsorted(1, [1], [0], [LearnerEventKind.Session], [1f]);
        act.Should().Throw<ArgumentException>().And.ParamName.Should().Be("learnerRows");
    }
}
