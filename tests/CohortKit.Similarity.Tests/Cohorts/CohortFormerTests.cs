using CohortKit.Features;
using CohortKit.Similarity.Cohorts;
using CohortKit.Similarity.Features;
using CohortKit.Simulation;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CohortKit.Similarity.Tests.Cohorts;

public class CohortFormerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static FeatureMatrix Random(int rows, int dims, int seed) => UniformFeatures.Create(rows, dims, seed);

    [Property(MaxTest = 60)]
    public bool EveryCohort_IsWithinBounds(PositiveInt size, int seed)
    {
        var n = 15 + size.Get % 3000;
        var cohorts = new CohortFormer(new CohortFormationOptions { Seed = seed, PartSize = 400 }).Form(Random(n, 8, seed));
        var sizes = cohorts.Sizes();
        return sizes.All(s => s is >= 15 and <= 30) && sizes.Sum() == n;
    }

    [Theory]
    [InlineData(15)]
    [InlineData(29)]
    [InlineData(31)]
    [InlineData(97)]
    [InlineData(1009)]
    [InlineData(7919)]
    public void EdgeSizes_AreWithinBounds(int n)
    {
        var sizes = new CohortFormer(new CohortFormationOptions()).Form(Random(n, 12, n)).Sizes();
        sizes.Should().OnlyContain(s => s >= 15 && s <= 30);
        sizes.Sum().Should().Be(n);
    }

    [Theory]
    [InlineData(14, 15, 30, "MinSize")]
    [InlineData(30, 20, 25, "MaxSize")]
    public void Infeasible_ThrowsNamingTheBound(int n, int min, int max, string bound)
    {
        var act = () => new CohortFormer(new CohortFormationOptions { MinSize = min, MaxSize = max }).Form(Random(n, 4, 1));
        act.Should().Throw<CohortFormationInfeasibleException>().Which.Bound.Should().Be(bound);
    }

    [Fact]
    public void Infeasible_Group_IsNamed()
    {
        var groups = Enumerable.Range(0, 60).Select(i => i < 50 ? 0 : 1).ToArray();
        var act = () => new CohortFormer(new CohortFormationOptions()).Form(Random(60, 4, 2), groups, ["UTC+01:00", "UTC+09:00"]);
        act.Should().Throw<CohortFormationInfeasibleException>().WithMessage("*10 learners in group 'UTC+09:00'*MinSize*");
    }

    [Fact]
    public void Groups_AreNeverMixed()
    {
        var groups = Enumerable.Range(0, 900).Select(i => i % 3).ToArray();
        var cohorts = new CohortFormer(new CohortFormationOptions()).Form(Random(900, 8, 3), groups);
        Enumerable.Range(0, 900).GroupBy(i => cohorts.CohortOf.Span[i]).Should().OnlyContain(g => g.Select(i => groups[i]).Distinct().Count() == 1);
    }

    [Fact]
    public void BadOptions_Throw()
    {
        ((Func<CohortFormer>)(() => new CohortFormer(new CohortFormationOptions { MinSize = 30, MaxSize = 15 }))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("MaxSize");
        var m = Random(40, 3, 1);
        m[5, 1] = float.NaN;
        ((Func<CohortAssignment>)(() => new CohortFormer(new CohortFormationOptions()).Form(m))).Should().Throw<ArgumentException>().WithMessage("Row 5*");
    }

    [Fact]
    public void SimulatedLearners_CohortsRecoverPersonas_AndApproachKMeans()
    {
        var p = new PlatformSimulator(new SimulationOptions { Learners = 20_000, Days = 90, Seed = 4 }).Generate();
        var features = new LearnerFeatureBuilder(new LearnerFeatureBuilderOptions()).Build(p.Learners, p.Activity, p.StartDate, p.Days);
        var former = new CohortFormer(new CohortFormationOptions { Seed = 1 });
        var cohorts = former.Form(features);
        var again = former.Form(features);
        again.CohortOf.ToArray().Should().Equal(cohorts.CohortOf.ToArray(), "formation is deterministic by seed");
        var report = CohortQuality.Evaluate(features, cohorts, former.KMeansBaseline(features));
        report.MinSize.Should().BeGreaterThanOrEqualTo(15);
        report.MaxSize.Should().BeLessThanOrEqualTo(30);
        report.MeanIntraSimilarity.Should().BeGreaterThan(report.RandomBaselineSimilarity + 0.2);
        report.MeanIntraSimilarity.Should().BeGreaterThanOrEqualTo(0.95 * report.KMeansSimilarity!.Value);
        report.Explanations.Should().HaveCount(report.CohortCount).And.OnlyContain(e => e.Features.Count == 3);

        // Purity against the planted personas, and the adjusted Rand index against them (cohorts are much finer than personas).
        var persona = p.Truth.Persona;
        double Purity(int[] labels) => Enumerable.Range(0, features.Rows).GroupBy(i => labels[i]).Sum(g => g.GroupBy(i => persona[i]).Max(x => x.Count())) / (double)features.Rows;
        var shuffled = cohorts.CohortOf.ToArray();
        new Random(5).Shuffle(shuffled);
        var purity = Purity(cohorts.CohortOf.ToArray());
        purity.Should().BeGreaterThan(0.55).And.BeGreaterThan(2 * Purity(shuffled), "cohorts of 15–30 drawn at random are ~27% pure with 8 personas");
        var ari = CohortKit.Similarity.Tests.Cohorts.PartitionMeasures.AdjustedRand(cohorts.CohortOf.ToArray(), persona.ToArray());
        var randomAri = CohortKit.Similarity.Tests.Cohorts.PartitionMeasures.AdjustedRand(shuffled, persona.ToArray());
        // The ARI of a fine partition (~900 cohorts) against 8 planted groups is necessarily small: it counts every split of a
        // persona across cohorts as disagreement. The bound: clearly above what the same cohort sizes score at random.
        output.WriteLine($"cohorts {report.CohortCount}, intra {report.MeanIntraSimilarity:F4}, random {report.RandomBaselineSimilarity:F4}, k-means {report.KMeansSimilarity:F4}, purity {purity:F3} (random {Purity(shuffled):F3}), ARI {ari:F5} (random {randomAri:F5})");
        ari.Should().BeGreaterThan(0.004).And.BeGreaterThan(randomAri + 0.004);
    }
}
