using CohortKit.Learners;
using CohortKit.Similarity.Collaboration;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests.Collaboration;

/// <summary>Issue 8 §2: Rebalance replaces the service's state, as its remarks say; an all-zero learner is an error.</summary>
public class CollaborationServiceStateTests
{
    [Fact]
    public void Rebalance_ReplacesTheCurrentCohorts()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 1_200, Days = 30, Seed = 14 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var service = new CollaborationService(p.Learners, features);
        var formed = service.FormCohorts();
        var current = formed.CohortOf.ToArray().Select((c, i) => i % 10 == 0 ? -1 : c).ToArray(); // every tenth learner re-seated
        var result = service.Rebalance(current);
        service.Cohorts.Should().BeSameAs(result.Cohorts);
        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
    }

    [Fact]
    public void FindPeers_AllZeroLearner_Throws()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 300, Days = 30, Seed = 15 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        features.Row(2).Clear();
        var service = new CollaborationService(p.Learners, features);
        var id = p.Learners.Ids[2];
        ((Action)(() => service.FindPeers(id, 3))).Should().Throw<ArgumentException>().WithMessage($"*{id}*all-zero*").And.ParamName.Should().Be("learner");
    }
}
