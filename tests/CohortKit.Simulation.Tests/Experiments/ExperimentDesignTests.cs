using CohortKit.Events;
using CohortKit.Metrics;
using CohortKit.Simulation.Experiments;

namespace CohortKit.Simulation.Tests.Experiments;

/// <summary>Planted experiments: arm split, true effects recovered overall and per segment, cohort units, A/A.</summary>
[Collection(SimulatedPlatforms.Name)]
public class ExperimentDesignTests(SimulationFixture fixture)
{
    [Fact]
    public void Experiment_ArmSplit_MatchesWeights()
    {
        var t = fixture.AB.Truth;
        t.ArmNames.Should().Equal("control", "treatment");
        Binomial.ShareShouldMatch(t.Arm.Count(a => a == 0), t.Arm.Count, 0.4, "control share");
    }

    [Theory]
    [InlineData(null, SimulationFixture.OverallMinutesEffect)]
    [InlineData("programming", SimulationFixture.ProgrammingMinutesEffect)]
    [InlineData("data", SimulationFixture.OverallMinutesEffect)]
    public void Experiment_MinutesEffect_IsReproducedOverallAndPerSegment(string? domain, double trueEffect)
    {
        var p = fixture.AB;
        var arms = new[] { MetricSummary.Empty, MetricSummary.Empty };
        for (var i = 0; i < p.Learners.Count; i++)
        {
            if (domain is not null && p.Learners["domain"][i] != domain) { continue; }
            if (domain is null && p.Learners["domain"][i] == "programming") { continue; }
            var events = p.Activity.ForLearner(i);
            var learner = MetricSummary.Empty;
            for (var e = 0; e < events.Count; e++)
            {
                if (events.Kinds[e] == LearnerEventKind.Session) { learner = learner.Add(events.Values[e]); }
            }

            if (learner.Count > 0) { arms[p.Truth.Arm[i]] = arms[p.Truth.Arm[i]].Add(learner.Mean); }
            p.Truth.EffectFor(i, SimulatedMetric.Minutes).Should().Be(p.Truth.Arm[i] == 0 ? 0 : domain == "programming" ? SimulationFixture.ProgrammingMinutesEffect : SimulationFixture.OverallMinutesEffect);
        }

        // Ratio of arm means of per-learner mean minutes, with a delta-method standard error over learners.
        var ratio = arms[1].Mean / arms[0].Mean;
        var se = ratio * Math.Sqrt(Math.Pow(arms[1].StandardError / arms[1].Mean, 2) + Math.Pow(arms[0].StandardError / arms[0].Mean, 2));
        ratio.Should().BeApproximately(1 + trueEffect, 4.5 * se);
    }

    [Fact]
    public void Experiment_CohortUnit_AssignsWholeCohorts()
    {
        var p = new PlatformSimulator(new SimulationOptions
        {
            Learners = 2_010,
            Days = 10,
            Experiment = new ExperimentDesign { Unit = RandomizationUnit.Cohort, CohortSize = 20 },
        }).Generate();
        var byCohort = Enumerable.Range(0, p.Learners.Count).GroupBy(i => p.Truth.Cohort[i]).ToList();
        byCohort.Should().HaveCount(101);
        byCohort.Count(g => g.Count() == 20).Should().Be(100);
        byCohort.Should().OnlyContain(g => g.Select(i => p.Truth.Arm[i]).Distinct().Count() == 1);
        p.Learners["cohort"].Categories.Should().HaveCount(101);
        p.Learners["arm"].Categories.Should().Equal("control", "treatment");
    }

    [Fact]
    public void AA_Design_HasNoEffectAndBalancedArms()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 20_000, Days = 30, Seed = 3, Experiment = ExperimentDesign.AA() }).Generate();
        var arms = new[] { MetricSummary.Empty, MetricSummary.Empty };
        for (var i = 0; i < p.Learners.Count; i++)
        {
            arms[p.Truth.Arm[i]] = arms[p.Truth.Arm[i]].Add(p.Activity.ForLearner(i).Count);
            for (var m = 0; m < 5; m++) { p.Truth.EffectFor(i, (SimulatedMetric)m).Should().Be(0); }
        }

        Binomial.ShareShouldMatch((int)arms[0].Count, p.Learners.Count, 0.5, "A1 share");
        var se = Math.Sqrt(arms[0].Variance / arms[0].Count + arms[1].Variance / arms[1].Count);
        (arms[1].Mean - arms[0].Mean).Should().BeApproximately(0, 4.5 * se);
    }
}
