using CohortKit.Features;
using CohortKit.Similarity.Cohorts;

namespace CohortKit.Similarity.Tests.Cohorts;

/// <summary>Issue 8 §2: cohort formation and rebalancing edge paths that gave wrong answers without an error.</summary>
public class Issue8EdgeTests
{
    private static (FeatureMatrix Features, int[] Cluster) Clusters(int rows, int clusters, int dims, double spread, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, clusters).Select(_ => Enumerable.Range(0, dims).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var m = new FeatureMatrix(rows, dims);
        var cluster = new int[rows];
        for (var r = 0; r < rows; r++)
        {
            cluster[r] = r % clusters;
            for (var j = 0; j < dims; j++) { m[r, j] = (float)(centres[cluster[r]][j] + spread * (rng.NextDouble() - 0.5)); }
        }

        return (m, cluster);
    }

    private static FeatureMatrix Rows(FeatureMatrix m, IEnumerable<int> rows)
    {
        var list = rows.ToArray();
        return new FeatureMatrix(list.SelectMany(i => m.Row(i).ToArray()).ToArray(), list.Length, m.Dimensions);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    public void Form_FewerThanMinSize_IncludingNone_IsInfeasible(int n)
    {
        var act = () => new CohortFormer(new CohortFormationOptions()).Form(new FeatureMatrix(n, 4));
        act.Should().Throw<CohortFormationInfeasibleException>().Which.Bound.Should().Be("MinSize");
    }

    [Fact]
    public void MixAndCap_CorrelatedWithTheFeatures_AreMetAcrossParts()
    {
        // 6 tight clusters; mix = cluster mod 3, so the parts (and most cohorts) first hold one mix value only. A random
        // partition satisfies both constraints, so the problem is feasible.
        var (features, cluster) = Clusters(3_000, 6, 12, 0.2, 21);
        var mix = cluster.Select(c => c % 3).ToArray();
        var cap = cluster.Select(c => c % 2).ToArray();
        var former = new CohortFormer(new CohortFormationOptions { MinDistinct = 2, MaxPerValue = 20, PartSize = 400 });
        var cohorts = former.Form(features, new CohortConstraints { Mix = mix, Cap = cap });
        var groups = Enumerable.Range(0, 3_000).GroupBy(i => cohorts.CohortOf.Span[i]).ToList();
        groups.Should().OnlyContain(g => g.Count() >= 15 && g.Count() <= 30);
        groups.Should().OnlyContain(g => g.Select(i => mix[i]).Distinct().Count() >= 2, "every cohort mixes two values");
        groups.Should().OnlyContain(g => g.GroupBy(i => cap[i]).Max(x => x.Count()) <= 20, "at most 20 per capped value");
    }

    [Fact]
    public void Cap_TightAndCorrelatedWithTheFeatures_IsMetBecauseItIsFeasible()
    {
        // 6 tight clusters of 500; cap = 1 for three clusters and 0 for the other three, at most 10 per value per cohort.
        // Feasible (e.g. 150 cohorts of 10 + 10), but only with at least 150 cohorts and none above 20 members: the count
        // chosen from the data (~120) and swaps alone (which keep every size) reported it infeasible.
        var (features, cluster) = Clusters(3_000, 6, 12, 0.2, 31);
        var cap = cluster.Select(c => c < 3 ? 1 : 0).ToArray();
        var cohorts = new CohortFormer(new CohortFormationOptions { MaxPerValue = 10, PartSize = 400 }).Form(features, new CohortConstraints { Cap = cap });
        var groups = Enumerable.Range(0, 3_000).GroupBy(i => cohorts.CohortOf.Span[i]).ToList();
        groups.Should().OnlyContain(g => g.Count() >= 15 && g.Count() <= 30);
        groups.Should().OnlyContain(g => g.Count(i => cap[i] == 1) <= 10 && g.Count(i => cap[i] == 0) <= 10);
    }

    [Fact]
    public void Mix_ScarceValue_LimitsTheCohortCount()
    {
        // 100 of 3,000 learners carry value 1, the rest value 0, and every cohort must mix both: exactly 100 cohorts of
        // 30 are possible, each with one learner of value 1. A count chosen from the data alone (about 125 here) cannot be.
        var (features, _) = Clusters(3_000, 6, 12, 0.2, 32);
        var mix = Enumerable.Range(0, 3_000).Select(i => i % 30 == 0 ? 1 : 0).ToArray();
        var cohorts = new CohortFormer(new CohortFormationOptions { MinDistinct = 2 }).Form(features, new CohortConstraints { Mix = mix });
        var groups = Enumerable.Range(0, 3_000).GroupBy(i => cohorts.CohortOf.Span[i]).ToList();
        groups.Should().HaveCount(100);
        groups.Should().OnlyContain(g => g.Count() == 30 && g.Count(i => mix[i] == 1) == 1);
    }

    [Fact]
    public void Rebalance_OversizeCohort_IsSplit()
    {
        var (features, _) = Clusters(114, 3, 8, 0.3, 22);
        var current = Enumerable.Range(0, 114).Select(i => i < 54 ? 0 : i < 84 ? 1 : 2).ToArray(); // 54, 30, 30
        var result = new CohortFormer(new CohortFormationOptions()).Rebalance(features, current);
        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        result.NewCohorts.Should().Be(1);
        var cohortOf = result.Cohorts.CohortOf.ToArray();
        Enumerable.Range(54, 60).Should().OnlyContain(i => cohortOf[i] == current[i], "cohorts within bounds are kept");
        Enumerable.Range(0, 54).Count(i => cohortOf[i] == 0).Should().BeGreaterThanOrEqualTo(27, "the larger piece keeps the id");
    }

    [Fact]
    public void Rebalance_TenPercentDepartures_AndNewcomers_MovesAFewPercent()
    {
        var (all, _) = Clusters(3_200, 20, 16, 0.6, 23);
        var former = new CohortFormer(new CohortFormationOptions { Seed = 4 });
        var initial = former.Form(Rows(all, Enumerable.Range(0, 3_000)));
        var rng = new Random(5);
        var leaving = Enumerable.Range(0, 3_000).OrderBy(_ => rng.Next()).Take(300).ToHashSet();
        var stay = Enumerable.Range(0, 3_200).Where(i => !leaving.Contains(i)).ToArray(); // 2,700 members + 200 newcomers
        var current = stay.Select(i => i < 3_000 ? initial.CohortOf.Span[i] : -1).ToArray();
        var result = former.Rebalance(Rows(all, stay), current);
        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        result.Moved.Should().BeLessThanOrEqualTo((int)(0.03 * 2_700), "at most 3% of the members move");
    }

    [Fact]
    public void Rebalance_FullCohortPlusFiveNewcomers_BorrowsOnlyTheMembersNeeded()
    {
        var (features, _) = Clusters(35, 1, 8, 0.5, 24);
        var current = Enumerable.Range(0, 35).Select(i => i < 30 ? 7 : -1).ToArray();
        var result = new CohortFormer(new CohortFormationOptions()).Rebalance(features, current);
        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        result.Moved.Should().Be(10, "15 − 5 members are borrowed; the other 20 keep cohort 7");
        Enumerable.Range(0, 30).Count(i => result.Cohorts.CohortOf.Span[i] == 7).Should().Be(20);
    }
}
