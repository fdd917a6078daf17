using CohortKit.Churn.EarlyWarning;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Simulation;

namespace CohortKit.Churn.Tests.EarlyWarning;

public sealed class EarlyWarningDataBuilderTests
{
    private static readonly DateOnly Start = new(2026, 1, 5);

    internal static SimulatedPlatform Simulate(int learners, int days, long seed)
        => new PlatformSimulator(new SimulationOptions { Learners = learners, Days = days, Seed = seed, StartDate = Start, MaxDegreeOfParallelism = 2 }).Generate();

    /// <summary>The log with every event after the end of <paramref name="asOf"/> deleted.</summary>
    internal static ActivityLog Truncate(ActivityLog log, DateOnly asOf)
    {
        var cut = (asOf.DayNumber + 1L) * TimeSpan.TicksPerDay;
        var rows = new List<int>();
        var times = new List<long>();
        var kinds = new List<LearnerEventKind>();
        var values = new List<float>();
        for (var learner = 0; learner < log.LearnerCount; learner++)
        {
            var a = log.ForLearner(learner);
            for (var i = 0; i < a.Count; i++)
            {
                if (a.Timestamps[i] >= cut) { continue; }
                rows.Add(learner); times.Add(a.Timestamps[i]); kinds.Add(a.Kinds[i]); values.Add(a.Values[i]);
            }
        }

        return ActivityLog.FromUnsorted(log.LearnerCount, rows.ToArray(), times.ToArray(), kinds.ToArray(), values.ToArray());
    }

    [Fact]
    public void Features_EveryEventAfterAsOfDeleted_AreUnchanged()
    {
        var platform = Simulate(3000, 120, 7);
        var asOf = Start.AddDays(60);
        var builder = new EarlyWarningDataBuilder();
        var full = builder.Features(platform.Learners, platform.Activity, asOf);
        var truncatedLog = Truncate(platform.Activity, asOf);
        truncatedLog.EventCount.Should().BeLessThan(platform.Activity.EventCount, "the test must delete something");
        var truncated = builder.Features(platform.Learners, truncatedLog, asOf);
        truncated.FeatureNames.Should().Equal(full.FeatureNames);
        truncated.AsSpan().ToArray().Should().Equal(full.AsSpan().ToArray());
        // and a later as-of date does see the deleted events, so the comparison has power
        builder.Features(platform.Learners, platform.Activity, asOf.AddDays(7)).AsSpan().ToArray().Should().NotEqual(full.AsSpan().ToArray());
    }

    [Fact]
    public void FeaturesAndLabels_HandWrittenLearner_MatchTheDefinitions()
    {
        // One learner signed up on day 0 with 30-minute sessions on days 0, 2, 3, 4, 10 and an assessment (score 80) on day 4;
        // a second learner keeps the data going to day 60. As of day 10:
        var signup = Start;
        var learners = new LearnerAttributes([new LearnerId(1), new LearnerId(2)], [signup, signup], [CategoricalColumn.Encode("plan", ["free", "pro"])]);
        int[] days = [0, 2, 3, 4, 10];
        var rows = new List<int>(); var times = new List<long>(); var kinds = new List<LearnerEventKind>(); var values = new List<float>();
        foreach (var d in days) { rows.Add(0); times.Add(Ticks(d)); kinds.Add(LearnerEventKind.Session); values.Add(30); }
        rows.Add(0); times.Add(Ticks(4) + 1); kinds.Add(LearnerEventKind.Assessment); values.Add(80);
        for (var d = 0; d <= 60; d++) { rows.Add(1); times.Add(Ticks(d)); kinds.Add(LearnerEventKind.Session); values.Add(5); }
        var log = ActivityLog.FromUnsorted(2, rows.ToArray(), times.ToArray(), kinds.ToArray(), values.ToArray());
        var builder = new EarlyWarningDataBuilder();
        var f = builder.Features(learners, log, Start.AddDays(10));
        float F(string name) => f[0, f.FeatureNames.ToList().IndexOf(name)];
        F("days_since_signup").Should().Be(10);
        F("days_since_last_activity").Should().Be(0);
        F("active_days_7").Should().Be(2);       // the window is days 4..10: days 4 and 10
        F("active_days_14").Should().Be(5);
        F("minutes_28").Should().Be(150);
        F("current_streak").Should().Be(1);
        F("longest_streak_28").Should().Be(3);   // days 2, 3, 4
        F("assessments_28").Should().Be(1);
        F("mean_score_28").Should().Be(80);
        F("plan=free").Should().Be(1);
        F("plan=pro").Should().Be(0);
        // weeks (oldest first) of active days: days −17..−11: 0, −10..−4: 0, −3..3: 3 (0, 2, 3), 4..10: 2 → slope (−1.5·0 − 0.5·0 + 0.5·3 + 1.5·2)/5
        F("active_days_trend_4w").Should().BeApproximately(0.9f, 1e-6f);
        // Churn (14 inactive days) starts on day 11, the day after the last activity. As of day 0 the window is (7, 14]: a churner.
        var labels = builder.Labels(learners, log, Start);
        labels.DaysToChurn.Span[0].Should().Be(11);
        labels.Eligible.Span[0].Should().BeTrue();
        labels.Churns.Span[0].Should().BeTrue();
        labels.Churns.Span[1].Should().BeFalse();
        // As of day 5 the churn is 6 days ahead, inside the lead start: not in the population.
        builder.Labels(learners, log, Start.AddDays(5)).Eligible.Span[0].Should().BeFalse();
    }

    [Fact]
    public void Labels_LearnersChurnedBeforeAsOfOrSignedUpBeforeTheData_FollowTheDocumentedPopulation()
    {
        // Seven learners, daily sessions on the days listed (inclusive ranges), 14-day inactivity churn, as of day 40, window (47, 54].
        // Written out from the rules ("signed up by D and not churned by D + 7"; churn dated the day after the last activity):
        //   0: active days 0..10, then nothing        -> churns day 11 (before D)         -> not eligible
        //   1: active days 0..44, then nothing        -> churns day 45 (inside D + 7)     -> not eligible
        //   2: active days 0..50, then nothing        -> churns day 51 (in (47, 54])      -> eligible, positive
        //   3: active days 0..99                      -> never churns                     -> eligible, negative
        //   4: active days 0..60, then nothing        -> churns day 61 (after the window) -> eligible, negative
        //   5: signs up on day 41, active 41..99      -> not signed up by D               -> not eligible
        //   6: active 0..5, back on 30..99            -> churned day 6 (first gap of 24 days) -> not eligible
        //   7: signed up on day −100, before the data begin (day 0), active 0..99 -> the time before the data is censored,
        //      not inactivity: never churns -> eligible, negative
        //   8: signed up on day −100, active 0..3     -> churns day 4                     -> not eligible
        (int Signup, (int From, int To)[] Active)[] people =
        [
            (0, [(0, 10)]), (0, [(0, 44)]), (0, [(0, 50)]), (0, [(0, 99)]), (0, [(0, 60)]), (41, [(41, 99)]), (0, [(0, 5), (30, 99)]),
            (-100, [(0, 99)]), (-100, [(0, 3)]),
        ];
        var learners = new LearnerAttributes(
            people.Select((_, i) => new LearnerId(i + 1)).ToArray(), people.Select(p => Start.AddDays(p.Signup)).ToArray(), []);
        var rows = new List<int>(); var times = new List<long>();
        for (var i = 0; i < people.Length; i++)
        {
            foreach (var (from, to) in people[i].Active)
            {
                for (var d = from; d <= to; d++) { rows.Add(i); times.Add(Ticks(d)); }
            }
        }

        var log = ActivityLog.FromUnsorted(people.Length, rows.ToArray(), times.ToArray(),
            rows.Select(_ => LearnerEventKind.Session).ToArray(), rows.Select(_ => 10f).ToArray());
        var labels = new EarlyWarningDataBuilder().Labels(learners, log, Start.AddDays(40));
        labels.Eligible.ToArray().Should().Equal(false, false, true, true, true, false, false, true, false);
        labels.Churns.ToArray().Should().Equal(false, false, true, false, false, false, false, false, false);
    }

    [Fact]
    public void Labels_AsOfOutsideTheData_ThrowsNamingAsOf()
    {
        var platform = Simulate(200, 60, 3);
        var builder = new EarlyWarningDataBuilder();
        FluentActions.Invoking(() => builder.Labels(platform.Learners, platform.Activity, Start.AddDays(-1)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf").WithMessage("*outside the data*");
        FluentActions.Invoking(() => builder.Labels(platform.Learners, platform.Activity, Start.AddDays(40)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf").WithMessage("*14 + 14 days*");
        FluentActions.Invoking(() => builder.Features(platform.Learners, platform.Activity, Start.AddDays(-3)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf");
        // Scoring long after the data end (the review: 8 months after the last event) is refused too; the last day is fine.
        var lastDay = DateOnly.FromDayNumber((int)(platform.Activity.Timestamps.ToArray().Max() / TimeSpan.TicksPerDay));
        FluentActions.Invoking(() => builder.Features(platform.Learners, platform.Activity, lastDay.AddDays(240)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("asOf").WithMessage("*after the last event*");
        builder.Features(platform.Learners, platform.Activity, lastDay).Rows.Should().Be(platform.Learners.Count);
    }

    [Fact]
    public void Constructor_LeadEndNotAfterLeadStart_ThrowsNamingIt()
    {
        FluentActions.Invoking(() => new EarlyWarningDataBuilder(new EarlyWarningOptions { LeadStartDays = 7, LeadEndDays = 7 }))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("LeadEndDays");
    }

    private static long Ticks(int day) => (Start.DayNumber + (long)day) * TimeSpan.TicksPerDay + TimeSpan.TicksPerHour * 12;
}
