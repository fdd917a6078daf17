using CohortKit.Similarity.Cohorts;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Issue 8 §1: cohort formation must find the groups that are there. Groups are planted with sizes uniform in
/// [15, 30] at several dimensions and noise levels; the number of cohorts is not given to the former.</summary>
public class PlantedGroupRecoveryTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(250, 32, 0.25, 1)]
    [InlineData(250, 32, 0.30, 2)]
    [InlineData(200, 16, 0.15, 3)]
    [InlineData(150, 64, 0.50, 4)]
    [InlineData(1000, 32, 0.25, 5)] // ~22,500 learners: several parts, so groups cut by a part boundary must be joined again
    public void WellSeparatedGroups_AreRecovered(int groups, int dims, double noise, int seed)
    {
        var planted = new PlantedGroups(groups, dims, noise, 15, 30, seed);
        var cohorts = new CohortFormer(new CohortFormationOptions { Seed = seed }).Form(planted.Features);

        cohorts.Sizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        var ari = PartitionMeasures.AdjustedRand(cohorts.CohortOf.ToArray(), planted.Truth);
        var ours = PartitionMeasures.MeanIntraCosine(planted.Features, cohorts.CohortOf.ToArray());
        var truth = PartitionMeasures.MeanIntraCosine(planted.Features, planted.Truth);
        output.WriteLine($"n={planted.Truth.Length} groups={groups} cohorts={cohorts.CohortCount} ARI={ari:F4} intra={ours:F4} planted={truth:F4} pairs={PartitionMeasures.MeanPairCosine(planted.Features, cohorts.CohortOf.ToArray()):F4}");
        var impure = Enumerable.Range(0, planted.Truth.Length).GroupBy(i => cohorts.CohortOf.Span[i]).Count(g => g.Select(i => planted.Truth[i]).Distinct().Count() > 1);
        var split = Enumerable.Range(0, planted.Truth.Length).GroupBy(i => planted.Truth[i]).Count(g => g.Select(i => cohorts.CohortOf.Span[i]).Distinct().Count() > 1);
        output.WriteLine($"impure cohorts {impure}, split groups {split}");
        ari.Should().BeGreaterThanOrEqualTo(0.95);
        ours.Should().BeGreaterThanOrEqualTo(0.98 * truth);
    }
}
