using CohortKit.Learners;
using CohortKit.Similarity.Collaboration;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests.Collaboration;

public class CollaborationServiceTests
{
    [Fact]
    public void Service_FindsFilteredPeers_FormsCohorts_AndSuggestsOneWithRoom()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 3_000, Days = 60, Seed = 12 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var service = new CollaborationService(p.Learners, features);
        var me = new LearnerId(5);
        var region = p.Learners["region"];
        p.Learners.TryGetRow(me, out var myRow);

        var peers = service.FindPeers(me, 10, new PeerFilter { SameAttributes = ["region"] });
        peers.Should().HaveCount(10).And.NotContain(n => n.Id == me);
        var regionCodes = region.Codes.ToArray();
        int Row(LearnerId id) => p.Learners.TryGetRow(id, out var r) ? r : -1;
        peers.Select(n => regionCodes[Row(n.Id)]).Should().OnlyContain(c => c == regionCodes[myRow]);

        var cohorts = service.FormCohorts();
        cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        var outside = service.FindPeers(me, 5, new PeerFilter { ExcludeCurrentCohort = true });
        outside.Select(n => cohorts.CohortOf.Span[Row(n.Id)]).Should().NotContain(cohorts.CohortOf.Span[myRow]);
        var suggestion = service.SuggestCohort(me);
        if (suggestion is not null)
        {
            suggestion.Size.Should().BeLessThan(30);
            suggestion.Cohort.Should().NotBe(cohorts.CohortOf.Span[myRow]);
        }

        ((Func<IReadOnlyList<CohortKit.Similarity.Search.Neighbor>>)(() => service.FindPeers(new LearnerId(-1), 3))).Should().Throw<ArgumentException>().WithMessage("*not in this population*");
    }
}
