using CohortKit.Churn.EarlyWarning;
using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Temporal.Progression;

namespace CohortKit.Churn.Tests.EarlyWarning;

/// <summary><see cref="TemporalStateFeatures.Fit"/> on a hand-made log whose weekly states and transitions are counted by hand
/// from Temporal's documented rules (weekly periods from signup; the first active period Onboarding; active without a score
/// Active; a mean score over this and the previous period below 50 Struggling; one or two inactive periods Dormant, three in a
/// row Churned), so the hazard is the closed form (n(s → Churned) + α) / (n(s) + 6α).</summary>
public sealed class TemporalHazardFitTests
{
    /// <summary>The Monday the learners sign up on; the log's first event is on this day.</summary>
    internal static readonly DateOnly S = new(2026, 3, 2);

    /// <summary>Day 34 ends week 4 (days 28–34): five full weeks, four transitions per learner.</summary>
    internal static readonly DateOnly TrainUntil = S.AddDays(34);

    /// <summary>The hand counts of the transitions in weeks 0–4, <c>[from][to]</c> in <see cref="LearnerState"/> order.</summary>
    /// <remarks>
    /// L0 active weeks 0–4: O→A, A→A ×3. L1 active week 0 only: O→D, D→D, D→C, C→C. L2 active weeks 0–1: O→A, A→D, D→D, D→C.
    /// L3 active weeks 0, 2, 4: O→D, D→A, A→D, D→A. L5 active weeks 0–4 with one assessment of 40 in week 2: O, A, S, S (weeks
    /// 2–3 mean 40), A (weeks 3–4 no score): O→A, A→S, S→S, S→A. L4 signed up two weeks before the log begins: no periods.
    /// </remarks>
    internal static readonly long[][] HandCounts =
    [
        [0, 3, 0, 0, 2, 0], // Onboarding → Active (L0, L2, L5), Dormant (L1, L3)
        [0, 3, 1, 0, 2, 0], // Active → Active ×3 (L0), Struggling (L5), Dormant (L2, L3)
        [0, 1, 1, 0, 0, 0], // Struggling → Active, Struggling (L5)
        [0, 0, 0, 0, 0, 0], // Mastering: never seen
        [0, 2, 0, 0, 2, 2], // Dormant → Active ×2 (L3), Dormant (L1, L2), Churned (L1, L2)
        [0, 0, 0, 0, 0, 1], // Churned → Churned (L1)
    ];

    /// <summary>The hand-made log: events at 01:00 on the listed days; later days (35–45) lie after <see cref="TrainUntil"/>
    /// and would add C→A (L1), D→A and A→A transitions if they leaked in.</summary>
    internal static (LearnerAttributes Learners, ActivityLog Log) Data()
    {
        int[][] days =
        [
            [0, 7, 14, 21, 28, 35, 42],   // L0
            [0, 36, 43],                   // L1 returns after the training window
            [0, 8],                        // L2
            [1, 15, 29, 37],               // L3
            [2, 9, 16, 23, 30, 38],        // L4, signed up on day −14
            [0, 7, 14, 21, 28, 35],        // L5, assessment of 40 on day 14
        ];
        var rows = new List<int>();
        var times = new List<long>();
        var kinds = new List<LearnerEventKind>();
        var values = new List<float>();
        for (var l = 0; l < days.Length; l++)
        {
            foreach (var d in days[l])
            {
                rows.Add(l);
                times.Add((S.DayNumber + d) * TimeSpan.TicksPerDay + TimeSpan.TicksPerHour);
                var assessment = l == 5 && d == 14;
                kinds.Add(assessment ? LearnerEventKind.Assessment : LearnerEventKind.Session);
                values.Add(assessment ? 40 : 20);
            }
        }

        var learners = new LearnerAttributes(
            [new(1), new(2), new(3), new(4), new(5), new(6)],
            [S, S, S, S, S.AddDays(-14), S],
            [CategoricalColumn.Encode("plan", ["a", "b", "a", "b", "a", "b"])]);
        return (learners, ActivityLog.FromUnsorted(days.Length, [.. rows], [.. times], [.. kinds], [.. values]));
    }

    /// <summary>The closed-form hazard (n(s → Churned) + α) / (n(s) + 6α) from <see cref="HandCounts"/>.</summary>
    internal static double HandHazard(LearnerState s, double alpha)
        => (HandCounts[(int)s][(int)LearnerState.Churned] + alpha) / (HandCounts[(int)s].Sum() + 6 * alpha);

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Fit_HandMadeLog_CountsAndHazardAreTheHandCounts(double alpha)
    {
        var (learners, log) = Data();
        var temporal = TemporalStateFeatures.Fit(learners, log, TrainUntil, new ProgressionOptions { PseudoCount = alpha });
        var matrix = temporal.Hazard.Should().BeOfType<TransitionMatrix>().Subject;
        matrix.Counts.Select(r => r.ToArray()).Should().BeEquivalentTo(HandCounts, o => o.WithStrictOrdering());
        foreach (var s in Enum.GetValues<LearnerState>())
        {
            temporal.Hazard.Hazard(s).Should().BeApproximately(HandHazard(s, alpha), 1e-15, s.ToString());
        }

        temporal.Progression.Options.PseudoCount.Should().Be(alpha);
    }

    [Fact]
    public void Fit_EventsAfterTrainUntilDeleted_SameMatrix()
    {
        var (learners, full) = Data();
        var cut = EarlyWarningDataBuilderTests.Truncate(full, TrainUntil);
        cut.EventCount.Should().BeLessThan(full.EventCount, "the test must delete something");
        var a = (TransitionMatrix)TemporalStateFeatures.Fit(learners, full, TrainUntil).Hazard;
        var b = (TransitionMatrix)TemporalStateFeatures.Fit(learners, cut, TrainUntil).Hazard;
        b.Probabilities.SelectMany(r => r).Should().Equal(a.Probabilities.SelectMany(r => r));
        b.Counts.SelectMany(r => r).Should().Equal(a.Counts.SelectMany(r => r));
        // and a later day does see the deleted events (L1's return after three inactive weeks), so the comparison has power
        var later = (TransitionMatrix)TemporalStateFeatures.Fit(learners, full, TrainUntil.AddDays(7)).Hazard;
        later.Counts[(int)LearnerState.Churned][(int)LearnerState.Active].Should().Be(1);
    }

    [Fact]
    public void Fit_TrainUntilBeforeTheFirstEvent_ThrowsNamingTrainUntil()
    {
        var (learners, log) = Data();
        var act = () => TemporalStateFeatures.Fit(learners, log, S.AddDays(-1));
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("trainUntil").WithMessage("*2026-03-01*before the first event (2026-03-02)*");
    }
}
