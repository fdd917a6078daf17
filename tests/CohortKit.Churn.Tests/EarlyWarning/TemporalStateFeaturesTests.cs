using CohortKit.Churn.EarlyWarning;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Progression;

namespace CohortKit.Churn.Tests.EarlyWarning;

/// <summary>Temporal's state and hazard as early-warning features: the states written out from Temporal's documented rules
/// (weekly periods from signup; active = any event; the first period Onboarding; three inactive periods in a row Churned,
/// fewer Dormant), a hazard per state, and no leakage.</summary>
public sealed class TemporalStateFeaturesTests
{
    private static readonly DateOnly S = new(2026, 3, 2);

    /// <summary>A hazard that tells the states apart: 0.1 · (state + 1).</summary>
    private sealed class TellingHazard : IChurnHazard
    {
        public double Hazard(LearnerState state) => 0.1 * ((int)state + 1);

        public double ChurnedAfter(LearnerState state, int periods) => throw new NotSupportedException("not a feature");
    }

    private static (LearnerAttributes Learners, ActivityLog Log) Data(int lastDay)
    {
        // L0 active every day; L1 active days 0–2 only; L2 active days 0–9; L3 signs up on day 25, active from then on.
        int[][] activeDays = [[.. Enumerable.Range(0, lastDay + 1)], [0, 1, 2], [.. Enumerable.Range(0, 10)], [.. Enumerable.Range(25, Math.Max(0, lastDay - 24))]];
        var rows = new List<int>();
        var times = new List<long>();
        for (var l = 0; l < activeDays.Length; l++)
        {
            foreach (var d in activeDays[l].Where(d => d <= lastDay))
            {
                rows.Add(l);
                times.Add((S.DayNumber + d) * TimeSpan.TicksPerDay + TimeSpan.TicksPerHour);
            }
        }

        var learners = new LearnerAttributes([new(1), new(2), new(3), new(4)], [S, S, S, S.AddDays(25)], [CategoricalColumn.Encode("plan", ["a", "b", "a", "b"])]);
        var log = ActivityLog.FromUnsorted(4, [.. rows], [.. times], new LearnerEventKind[rows.Count], new float[rows.Count]);
        return (learners, log);
    }

    [Fact]
    public void Features_AsOfDay27_StatesOfTheLastFullWeek_AndTheirHazards()
    {
        var (learners, log) = Data(lastDay: 40);
        var temporal = new TemporalStateFeatures(new ProgressionModel(new ProgressionOptions()), new TellingHazard());
        var builder = new EarlyWarningDataBuilder();
        var names = builder.FeatureNamesFor(learners, temporal).ToList();
        names.Should().Contain(TemporalStateFeatures.Names);
        var m = builder.Features(learners, log, S.AddDays(27), names, temporal);

        // Weeks 0–3 (days 0–27) are complete on day 27: L0 active in week 3 → Active; L1 inactive in weeks 1–3 → Churned;
        // L2 inactive in weeks 2–3 → Dormant; L3 (signed up on day 25) has no full week → no indicator, Onboarding's hazard.
        LearnerState?[] expected = [LearnerState.Active, LearnerState.Churned, LearnerState.Dormant, null];
        for (var l = 0; l < 4; l++)
        {
            var row = m.Row(l);
            foreach (var state in Enum.GetValues<LearnerState>())
            {
                row[names.IndexOf(TemporalStateFeatures.StatePrefix + state)].Should().Be(expected[l] == state ? 1 : 0, $"learner {l}, {state}");
            }

            row[names.IndexOf(TemporalStateFeatures.HazardName)].Should().Be((float)(0.1 * ((int)(expected[l] ?? LearnerState.Onboarding) + 1)));
        }
    }

    [Fact]
    public void Features_EverythingAfterAsOfDeleted_TemporalColumnsUnchanged()
    {
        var (learners, full) = Data(lastDay: 40);
        var temporal = new TemporalStateFeatures(new ProgressionModel(new ProgressionOptions()), new TellingHazard());
        var builder = new EarlyWarningDataBuilder();
        var names = builder.FeatureNamesFor(learners, temporal);
        foreach (var day in new[] { 13, 20, 27, 30 })
        {
            var asOf = S.AddDays(day);
            var cut = EarlyWarningDataBuilderTests.Truncate(full, asOf);
            cut.EventCount.Should().BeLessThan(full.EventCount);
            builder.Features(learners, full, asOf, names, temporal).AsSpan().SequenceEqual(builder.Features(learners, cut, asOf, names, temporal).AsSpan())
                .Should().BeTrue($"as of day {day}");
        }
    }

    [Fact]
    public void Features_TemporalColumnWithoutTheModel_IsRefusedNamingTemporal()
    {
        var (learners, log) = Data(lastDay: 30);
        var builder = new EarlyWarningDataBuilder();
        var act = () => builder.Features(learners, log, S.AddDays(20), [.. EarlyWarningDataBuilder.ActivityFeatureNames, TemporalStateFeatures.HazardName]);
        act.Should().Throw<ArgumentException>().WithParameterName("temporal");
        builder.FeatureNamesFor(learners).Should().NotContain(TemporalStateFeatures.HazardName);
    }
}
