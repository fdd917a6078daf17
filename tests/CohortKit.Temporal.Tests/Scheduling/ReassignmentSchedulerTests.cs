using CohortKit.Features;
using CohortKit.Temporal.Scheduling;

namespace CohortKit.Temporal.Tests.Scheduling;

/// <summary>The scheduler's own parts with a reformer written in the test (the real one is tested in CohortKit.Reassignment.Tests).</summary>
public class ReassignmentSchedulerTests
{
    /// <summary>Two cohorts split at the first feature's sign; every member's similarity is 1.</summary>
    private sealed class SignReformer : ICohortReformer
    {
        public int Calls { get; private set; }

        public int[] Form(FeatureMatrix features)
        {
            Calls++;
            return Enumerable.Range(0, features.Rows).Select(i => features[i, 0] >= 0 ? 0 : 1).ToArray();
        }

        public void MemberSimilarity(FeatureMatrix features, ReadOnlySpan<int> cohortOf, Span<double> destination) => destination.Fill(1);
    }

    [Fact]
    public void Continuity_MatchesTheLargestOverlapsFirst()
    {
        // Old 0 = rows 0-3, old 1 = rows 4-6. New 5 takes rows 0-2 and 4; new 6 takes 3, 5, 6.
        int[] before = [0, 0, 0, 0, 1, 1, 1];
        int[] after = [5, 5, 5, 6, 5, 6, 6];
        // (0 → 5) has 3, (1 → 6) has 2: rows 3 (0 → 6) and 4 (1 → 5) moved.
        FutureRun.Continuity(before, after).Should().Equal(true, true, true, false, false, true, true);
    }

    [Fact]
    public void Schedule_NoMovesAndNoGain_ChoosesQuarterly_AndFormsOncePerSimulatedWeek()
    {
        var reformer = new SignReformer();
        var rows = new float[] { 1, 2, -1, 3, -2, 5 };
        FeatureMatrix[] history = [new(rows, 3, 2), new(rows.ToArray(), 3, 2)];
        var options = new ReassignmentOptions { HorizonWeeks = 13, Simulations = 2 };
        var schedule = new ReassignmentScheduler(options, reformer).Schedule(history, [0, 0, 1]);
        schedule.Cohorts.Select(c => (c.Cohort, c.Size, c.Cadence)).Should().Equal((0, 2, ReformationCadence.Quarterly), (1, 1, ReformationCadence.Quarterly));
        schedule.Cohorts.Should().OnlyContain(c => c.Estimates.All(e => e.MeanSimilarity == 1 && e.MovesPerMemberWeek == 0 && e.StandardError == 0));
        reformer.Calls.Should().Be(2 * 14, "weeks 0…13 are formed once each per simulation, shared by the cadences");
    }

    [Fact]
    public void Schedule_BadInput_ThrowsNamingTheParameter()
    {
        var scheduler = new ReassignmentScheduler(new ReassignmentOptions(), new SignReformer());
        FeatureMatrix week = new(new float[6], 3, 2);
        var cases = new (Action Act, string Parameter, string Message)[]
        {
            (() => scheduler.Schedule([week], [0, 0, 0]), "history", "history has 1 week(s)*"),
            (() => scheduler.Schedule([week, new FeatureMatrix(new float[4], 2, 2)], [0, 0, 0]), "history", "Week 1 has 2 × 2 features; week 0 has 3 × 2*"),
            (() => scheduler.Schedule([week, new FeatureMatrix([0, 0, float.NaN, 0, 0, 0], 3, 2)], [0, 0, 0]), "history", "Week 1, row 1, feature 0 is NaN*"),
            (() => scheduler.Schedule([week, week], [0, 0]), "cohortOf", "cohortOf has 2 entries for 3 rows*"),
            (() => scheduler.Schedule([week, week], [0, -1, 0]), "cohortOf", "cohortOf[1] is -1*"),
        };
        foreach (var (act, parameter, message) in cases)
        {
            act.Should().Throw<ArgumentException>().WithMessage(message).Which.ParamName.Should().Be(parameter);
        }

        FluentActions.Invoking(() => new ReassignmentScheduler(new ReassignmentOptions { HorizonWeeks = 12, Simulations = 1 }, new SignReformer()))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*HorizonWeeks*");
    }
}
