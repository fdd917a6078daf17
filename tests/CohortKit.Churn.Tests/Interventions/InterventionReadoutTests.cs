using System.Text.Json;
using CohortKit.Churn.Interventions.Dispatch;
using CohortKit.Churn.Interventions.Outcomes;
using CohortKit.Learners;
using CohortKit.Testing;

namespace CohortKit.Churn.Tests.Interventions;

/// <summary>The treated-vs-holdout readout against statsmodels (tests/reference/churn/interventions.json).</summary>
public sealed class InterventionReadoutTests
{
    private const double Exact = 1e-9;

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, SharedData.Reference("churn/interventions.json").GetProperty("readout").GetArrayLength())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_MatchesStatsmodels(int index)
    {
        var c = SharedData.Reference("churn/interventions.json").GetProperty("readout")[index];
        int holdC = Int(c, "holdoutChurned"), holdN = Int(c, "holdoutN"), trC = Int(c, "treatedChurned"), trN = Int(c, "treatedN");
        var (decisions, churned) = Population(holdC, holdN, trC, trN);

        var r = InterventionReadout.Compute(decisions, churned);

        r.HoldoutLearners.Should().Be(holdN);
        r.TreatedLearners.Should().Be(trN);
        r.HoldoutChurned.Should().Be(holdC);
        r.TreatedChurned.Should().Be(trC);
        r.Difference.AbsoluteEffect.Should().BeApproximately(D(c, "difference"), Exact);
        r.Difference.Statistic.Should().BeApproximately(D(c, "z"), Exact);
        r.Difference.PValue.Should().BeApproximately(D(c, "p"), Exact);
        r.Difference.Interval.Low.Should().BeApproximately(D(c, "low"), Exact);
        r.Difference.Interval.High.Should().BeApproximately(D(c, "high"), Exact);
        r.TreatedRateInterval.Low.Should().BeApproximately(c.GetProperty("treatedWilson")[0].GetDouble(), Exact);
        r.TreatedRateInterval.High.Should().BeApproximately(c.GetProperty("treatedWilson")[1].GetDouble(), Exact);
        r.HoldoutRateInterval.Low.Should().BeApproximately(c.GetProperty("holdoutWilson")[0].GetDouble(), Exact);
        r.HoldoutRateInterval.High.Should().BeApproximately(c.GetProperty("holdoutWilson")[1].GetDouble(), Exact);
        r.Difference.Interval.Level.Should().Be(0.95);
    }

    [Fact]
    public void Compute_IntentToTreat_CountsUndeliveredDecisionsAsTreatedAndLeavesOutMissingOutcomes()
    {
        var (decisions, churned) = Population(10, 40, 30, 200);
        // Ten treated learners' decisions failed: still in the treated arm (intent to treat), not delivered.
        var failed = decisions.Where(d => d.State == DecisionState.Sent).Select(d => d.Key.Learner).Distinct().Take(10).ToHashSet();
        var list = decisions.Select(d => failed.Contains(d.Key.Learner) ? d with { State = DecisionState.Failed } : d).ToList();
        // A learner decided for but with no outcome is left out and counted.
        list.Add(Decision(999_999, DecisionState.Sent));

        var r = InterventionReadout.Compute(list, churned);

        r.TreatedLearners.Should().Be(200);
        r.TreatedDelivered.Should().Be(190);
        r.MissingOutcomes.Should().Be(1);
    }

    [Fact]
    public void Compute_EmptyHoldout_ThrowsNamingTheArm()
    {
        var (decisions, churned) = Population(0, 1, 5, 20);
        FluentActions.Invoking(() => InterventionReadout.Compute(decisions, churned))
            .Should().Throw<ArgumentException>().WithMessage("*holdout arm has 1 learners*");
    }

    /// <summary>holdN withheld learners (the first holdC churned) and trN sent ones (the first trC churned).</summary>
    private static (List<InterventionDecision> Decisions, Dictionary<LearnerId, bool> Churned) Population(int holdC, int holdN, int trC, int trN)
    {
        var decisions = new List<InterventionDecision>();
        var churned = new Dictionary<LearnerId, bool>();
        for (var i = 0; i < holdN; i++)
        {
            decisions.Add(Decision(i, DecisionState.Withheld));
            churned[new LearnerId(i)] = i < holdC;
        }

        for (var i = 0; i < trN; i++)
        {
            var id = 100_000 + i;
            decisions.Add(Decision(id, DecisionState.Sent));
            // A second, older decision for some treated learners: a learner counts once.
            if (i % 3 == 0) { decisions.Add(Decision(id, DecisionState.Sent, dayOffset: -9)); }
            churned[new LearnerId(id)] = i < trC;
        }

        return (decisions, churned);
    }

    private static InterventionDecision Decision(long learner, DecisionState state, int dayOffset = 0) => new()
    {
        Key = new DecisionKey(new LearnerId(learner), "nudge", new DateOnly(2026, 3, 2).AddDays(dayOffset)),
        RuleId = "r", State = state, Attempts = 1, PlannedAt = Playbooks.Start, UpdatedAt = Playbooks.Start,
    };

    private static int Int(JsonElement e, string name) => e.GetProperty(name).GetInt32();

    private static double D(JsonElement e, string name) => e.GetProperty(name).GetDouble();
}
