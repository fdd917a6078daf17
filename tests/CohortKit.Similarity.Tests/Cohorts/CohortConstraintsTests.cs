using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests.Cohorts;

public class CohortConstraintsTests
{
    [Fact]
    public void MixAndCapConstraints_AreMet_AtASmallCostInSimilarity()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 3_000, Days = 90, Seed = 8 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var experience = p.Learners["experience"].Codes.ToArray();
        var locale = p.Learners["locale"].Codes.ToArray();
        var timezone = p.Learners["timezone"];
        var band = timezone.Codes.ToArray().Select(c => timezone.Categories[c].StartsWith("UTC-", StringComparison.Ordinal) ? 0 : timezone.Categories[c].CompareTo("UTC+03:00") < 0 ? 1 : 2).ToArray();
        var former = new CohortFormer(new CohortFormationOptions { MinDistinct = 2, MaxPerValue = 15 });
        var plain = former.Form(features);
        var banded = former.Form(features, new CohortConstraints { Groups = band, Mix = experience });
        Enumerable.Range(0, features.Rows).GroupBy(i => banded.CohortOf.Span[i]).Should()
            .OnlyContain(g => g.Select(i => band[i]).Distinct().Count() == 1 && g.Select(i => experience[i]).Distinct().Count() >= 2, "bands are never mixed, experience is");

        // Within the Americas band en-US is about two thirds of learners, so "at most 15 per locale" is checked without bands.
        var constrained = former.Form(features, new CohortConstraints { Mix = experience, Cap = locale });
        var cohorts = Enumerable.Range(0, features.Rows).GroupBy(i => constrained.CohortOf.Span[i]).ToList();
        cohorts.Should().OnlyContain(g => g.Count() >= 15 && g.Count() <= 30);
        cohorts.Should().OnlyContain(g => g.Select(i => experience[i]).Distinct().Count() >= 2, "experience levels are mixed");
        cohorts.Should().OnlyContain(g => g.GroupBy(i => locale[i]).Max(x => x.Count()) <= 15, "at most 15 per locale");
        var q = CohortQuality.Evaluate(features, constrained).MeanIntraSimilarity;
        q.Should().BeGreaterThan(0.8 * CohortQuality.Evaluate(features, plain).MeanIntraSimilarity!.Value);
    }

    [Fact]
    public void CapThatTheBandCannotMeet_ThrowsSayingWhy()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 3_000, Days = 30, Seed = 8 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var tz = p.Learners["timezone"];
        var americas = tz.Codes.ToArray().Select(c => tz.Categories[c].StartsWith("UTC-", StringComparison.Ordinal) ? 0 : 1).ToArray();
        var act = () => new CohortFormer(new CohortFormationOptions { MaxPerValue = 10 }).Form(features, new CohortConstraints { Groups = americas, Cap = p.Learners["locale"].Codes.ToArray() });
        act.Should().Throw<CohortFormationInfeasibleException>().WithMessage("*share one value of the capped attribute*seat only*(MaxPerValue)*");
    }

    [Fact]
    public void ImpossibleCap_ThrowsNamingIt()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 600, Days = 30, Seed = 9 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var everyone = Enumerable.Repeat(0, 600).ToArray();
        var act = () => new CohortFormer(new CohortFormationOptions { MaxPerValue = 10 }).Form(features, new CohortConstraints { Cap = everyone });
        act.Should().Throw<CohortFormationInfeasibleException>().Which.Bound.Should().Be("MaxPerValue");
    }
}
