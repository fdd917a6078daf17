using CohortKit.Features;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Cohorts.Formation;

namespace CohortKit.Similarity.Tests.Cohorts.Formation;

/// <summary>Step 1 of formation: the split into parts, and its awareness of the mix and cap attributes (issue 8 §2).</summary>
public class PartitioningTests
{
    // 6 tight clusters of 500 in 12 dimensions; learner r belongs to cluster r mod 6.
    private static FeatureMatrix Clusters(out int[] cluster)
    {
        var rng = new Random(31);
        var centres = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, 12).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var m = new FeatureMatrix(3_000, 12);
        cluster = new int[3_000];
        for (var r = 0; r < 3_000; r++)
        {
            cluster[r] = r % 6;
            for (var j = 0; j < 12; j++) { m[r, j] = (float)(centres[cluster[r]][j] + 0.2 * (rng.NextDouble() - 0.5)); }
        }

        return m;
    }

    private static List<Partitioning.Part> Split(FeatureMatrix features, int[]? mix, int[]? cap, CohortFormationOptions options)
        => Partitioning.Split(new CohortSpace(features), Enumerable.Range(0, features.Rows).ToArray(), 0, options, new SizeBounds(options.MinSize, options.MaxSize), mix, cap);

    [Fact]
    public void Split_MixCorrelatedWithTheFeatures_EveryPartHoldsEnoughDistinctValues()
    {
        // mix = cluster mod 3: a split by similarity alone gives parts of one cluster, hence one mix value each, whose
        // cohorts can only meet MinDistinct = 2 by swaps with far-away parts.
        var features = Clusters(out var cluster);
        var mix = cluster.Select(c => c % 3).ToArray();
        var options = new CohortFormationOptions { MinDistinct = 2, PartSize = 400 };

        Split(features, null, null, options).Should().Contain(p => p.Rows.Select(r => mix[r]).Distinct().Count() < 2,
            "without the attribute the parts follow the clusters");
        var parts = Split(features, mix, null, options);
        parts.Select(p => p.Rows.Length).Sum().Should().Be(3_000);
        parts.SelectMany(p => p.Rows).Should().OnlyHaveUniqueItems();
        foreach (var part in parts)
        {
            // Written out: with k = ⌊n/15⌋ cohorts each needing 2 distinct values, the values must offer 2k places.
            var k = part.Rows.Length / 15;
            var places = part.Rows.GroupBy(r => mix[r]).Sum(g => Math.Min(g.Count(), k));
            places.Should().BeGreaterThanOrEqualTo(2 * k, $"part of {part.Rows.Length} must be able to mix two values in each of its cohorts");
        }
    }

    [Fact]
    public void Split_CapCorrelatedWithTheFeatures_EveryPartCanSeatItsCrowdedValue()
    {
        // cap = 1 for clusters 0–2, 0 for 3–5, at most 10 per value per cohort: a part of one cluster holds a single value,
        // more than its cohorts may seat.
        var features = Clusters(out var cluster);
        var cap = cluster.Select(c => c < 3 ? 1 : 0).ToArray();
        var options = new CohortFormationOptions { MaxPerValue = 10, PartSize = 400 };
        var parts = Split(features, null, cap, options);
        Split(features, null, null, options).Should().Contain(p => p.Rows.Select(r => cap[r]).Distinct().Count() == 1,
            "without the attribute the parts follow the clusters");
        foreach (var part in parts)
        {
            // Written out: at most ⌊n/15⌋ cohorts, each seating at most 10 learners of one value.
            part.Rows.GroupBy(r => cap[r]).Max(g => g.Count()).Should().BeLessThanOrEqualTo(part.Rows.Length / 15 * 10);
        }

        // And the formed cohorts meet both constraints.
        var cohorts = new CohortFormer(options).Form(features, new CohortConstraints { Cap = cap });
        Enumerable.Range(0, 3_000).GroupBy(i => cohorts.CohortOf.Span[i]).Should().OnlyContain(g => g.Count(i => cap[i] == 1) <= 10 && g.Count(i => cap[i] == 0) <= 10);
    }

    [Fact]
    public void Split_ConstraintsNoPartCanMeet_LeavesTheSplitToSimilarity()
    {
        // One mix value only: no merging can help, so the split is the similarity split (the repair reports infeasibility).
        var features = Clusters(out _);
        var options = new CohortFormationOptions { MinDistinct = 2, PartSize = 400 };
        Split(features, new int[3_000], null, options).Select(p => p.Rows.Length).Should().Equal(Split(features, null, null, options).Select(p => p.Rows.Length));
        var act = () => new CohortFormer(options).Form(features, new CohortConstraints { Mix = new int[3_000] });
        act.Should().Throw<CohortFormationInfeasibleException>().Which.Bound.Should().Be("MinDistinct");
    }
}
