using CohortKit.Features;
using CohortKit.Similarity.Cohorts;

namespace CohortKit.Similarity.Tests.Cohorts;

public class CohortFormerRebalanceTests
{
    private static FeatureMatrix Clustered(int rows, int seed)
    {
        var rng = new Random(seed);
        var centres = Enumerable.Range(0, 20).Select(_ => Enumerable.Range(0, 16).Select(_ => rng.NextDouble() * 2 - 1).ToArray()).ToArray();
        var m = new FeatureMatrix(rows, 16);
        for (var r = 0; r < rows; r++)
        {
            var c = centres[r % 20];
            for (var j = 0; j < 16; j++) { m[r, j] = (float)(c[j] + 0.3 * (rng.NextDouble() - 0.5)); }
        }

        return m;
    }

    [Fact]
    public void Rebalance_AfterDeparturesAndNewcomers_KeepsBoundsAndMovesFew()
    {
        var former = new CohortFormer(new CohortFormationOptions { Seed = 2 });
        var all = Clustered(6000, 1);
        var initial = former.Form(new FeatureMatrix(all.AsSpan()[..(5000 * 16)].ToArray(), 5000, 16));

        // 400 of the first 5,000 leave; 1,000 newcomers arrive.
        var rng = new Random(3);
        var leaving = Enumerable.Range(0, 5000).OrderBy(_ => rng.Next()).Take(400).ToHashSet();
        var stay = Enumerable.Range(0, 6000).Where(i => !leaving.Contains(i)).ToArray();
        var features = new FeatureMatrix(stay.SelectMany(i => all.Row(i).ToArray()).ToArray(), stay.Length, 16);
        var current = stay.Select(i => i < 5000 ? initial.CohortOf.Span[i] : -1).ToArray();
        var result = former.Rebalance(features, current);

        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        result.Cohorts.CohortOf.ToArray().Should().OnlyContain(c => c >= 0);
        var existing = current.Count(c => c >= 0);
        result.Moved.Should().BeLessThan(existing / 10, "most members keep their cohort");
        var rebuilt = former.Form(features);
        var changedByRebuild = Enumerable.Range(0, stay.Length).Count(i => current[i] >= 0 && rebuilt.CohortOf.Span[i] != current[i]);
        result.Moved.Should().BeLessThan(changedByRebuild / 5, "far fewer moves than forming again from scratch");

        // Newcomers join cohorts whose members share their planted cluster.
        var cluster = stay.Select(i => i % 20).ToArray();
        var newcomers = Enumerable.Range(0, stay.Length).Where(i => current[i] < 0).ToArray();
        var agree = newcomers.Count(i =>
        {
            var mates = Enumerable.Range(0, stay.Length).Where(j => j != i && result.Cohorts.CohortOf.Span[j] == result.Cohorts.CohortOf.Span[i]).ToArray();
            return mates.Count(j => cluster[j] == cluster[i]) * 2 > mates.Length;
        });
        ((double)agree / newcomers.Length).Should().BeGreaterThan(0.8, "random placement would agree about 5% of the time with 20 clusters");
    }

    [Fact]
    public void Rebalance_DissolvesCohortsBelowTheMinimum()
    {
        var former = new CohortFormer(new CohortFormationOptions());
        var m = Clustered(600, 4);
        var initial = former.Form(m);
        var victim = initial.CohortOf.Span[0];
        var keep = Enumerable.Range(0, 600).Where(i => initial.CohortOf.Span[i] != victim || i < 3).ToArray(); // 3 members remain
        var features = new FeatureMatrix(keep.SelectMany(i => m.Row(i).ToArray()).ToArray(), keep.Length, 16);
        var result = former.Rebalance(features, keep.Select(i => initial.CohortOf.Span[i]).ToArray());
        result.Dissolved.Should().BeGreaterThanOrEqualTo(1);
        result.Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        result.Cohorts.CohortOf.ToArray().Should().NotContain(victim);
    }

    [Fact]
    public void Rebalance_OnlyNewcomers_FormsCohorts_OrThrowsWhenTooFew()
    {
        var former = new CohortFormer(new CohortFormationOptions());
        var m = Clustered(100, 5);
        former.Rebalance(m, Enumerable.Repeat(-1, 100).ToArray()).Cohorts.OccupiedSizes().Should().OnlyContain(s => s >= 15 && s <= 30);
        var few = new FeatureMatrix(m.AsSpan()[..(10 * 16)].ToArray(), 10, 16);
        ((Func<RebalanceResult>)(() => former.Rebalance(few, Enumerable.Repeat(-1, 10).ToArray()))).Should().Throw<CohortFormationInfeasibleException>();
    }
}
