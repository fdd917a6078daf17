using CohortKit.Metrics;

namespace CohortKit.Core.Tests.Metrics;

/// <summary>Issue 17 items 1, 2 and 13: MetricSummary against exact rational references (<see cref="ExactMoments"/>) on data
/// with a large offset, where summing raw values loses the variance. Cross-check only, not the oracle (run once on
/// 2026-11-29 by dumping the three n = 10⁶ cases and reading them with /usr/bin/python3, NumPy 1.24.2): relative error of
/// M2 from NumPy's two-pass <c>np.var(x, ddof=1)</c> against the exact value was 2.1e-14 (1e9 + N(0, 1)), 1.9e-16
/// (epoch-ms) and 1.2e-12 (1e15 + int); FromSpan's was 2.1e-15, 9.4e-16 and 1.9e-16.</summary>
public class MetricSummaryAccuracyTests
{
    private const double RelativeTolerance = 1e-12;

    private static double[] Gaussian(int n, double offset, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n];
        for (var i = 0; i < n; i++)
        {
            var u = 1 - rng.NextDouble();
            x[i] = offset + Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * rng.NextDouble());
        }

        return x;
    }

    private static double[] Integers(int n, double offset, int range, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => offset + rng.Next(range)).ToArray();
    }

    public static TheoryData<string> Cases() => ["1e9+N(0,1)", "epoch-ms", "1e15+int"];

    private static double[] Case(string name, int n) => name switch
    {
        "1e9+N(0,1)" => Gaussian(n, 1e9, 1),
        "epoch-ms" => Integers(n, 1_767_225_600_000, 259_200_000, 2), // 2026-01-01 plus up to 3 days, in milliseconds
        "1e15+int" => Integers(n, 1e15, 1_000_000, 3),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static void ShouldMatchExact(MetricSummary s, double[] x)
    {
        var (mean, m2) = ExactMoments.Of(x);
        s.Count.Should().Be(x.Length);
        var ulp = Math.BitIncrement(Math.Abs(mean)) - Math.Abs(mean);
        s.Mean.Should().BeApproximately(mean, ulp, "the mean is within one unit in the last place of the exact mean");
        s.SumOfSquaredDeviations.Should().BeApproximately(m2, m2 * RelativeTolerance);
        s.Mean.Should().BeInRange(x.Min(), x.Max());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FromSpan_LargeOffsetMillionValues_MatchesExactVarianceTo1e12(string name)
    {
        var x = Case(name, 1_000_000);
        ShouldMatchExact(MetricSummary.FromSpan(x), x);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Add_LargeOffset_MatchesExactVarianceTo1e12(string name)
    {
        var x = Case(name, 50_000);
        ShouldMatchExact(x.Aggregate(MetricSummary.Empty, (s, v) => s.Add(v)), x);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Merge_ShardsWithLargeOffset_MatchesExactVarianceTo1e12(string name)
    {
        var x = Case(name, 200_003);
        var merged = x.Chunk(7_919).Select(c => MetricSummary.FromSpan(c)).Aggregate(MetricSummary.Empty, (a, b) => a.Merge(b));
        ShouldMatchExact(merged, x);
    }

    [Theory]
    [InlineData(12.7, 5000)]
    [InlineData(0.1, 3)]
    [InlineData(1e15 + 0.125, 100_000)]
    [InlineData(-3.3e-7, 2049)]
    public void FromSpan_ConstantData_MeanIsTheValueAndVarianceIsZero(double value, int n)
    {
        var x = Enumerable.Repeat(value, n).ToArray();
        var s = MetricSummary.FromSpan(x);
        s.Mean.Should().Be(value);
        s.SumOfSquaredDeviations.Should().Be(0);
        s.Variance.Should().Be(0);
        s.Min.Should().Be(value);
        s.Max.Should().Be(value);
    }

    [Fact]
    public void AddAndMerge_ConstantData_MeanIsTheValueAndVarianceIsZero()
    {
        var one = Enumerable.Repeat(12.7, 5000).Aggregate(MetricSummary.Empty, (s, v) => s.Add(v));
        one.Mean.Should().Be(12.7);
        one.Variance.Should().Be(0);
        var merged = MetricSummary.FromSpan(Enumerable.Repeat(12.7, 3).ToArray()).Merge(one).Merge(MetricSummary.FromParts(7, 12.7, 0, 12.7, 12.7));
        merged.Mean.Should().Be(12.7);
        merged.Variance.Should().Be(0);
    }

    [Fact]
    public void FromSpan_ManyRandomBlocks_MeanStaysWithinMinAndMax()
    {
        var rng = new Random(5);
        for (var trial = 0; trial < 300; trial++)
        {
            var v = rng.NextDouble() * Math.Pow(10, rng.Next(-5, 16));
            var x = Enumerable.Range(0, rng.Next(1, 5000)).Select(_ => rng.Next(4) == 0 ? Math.BitIncrement(v) : v).ToArray();
            var s = MetricSummary.FromSpan(x);
            s.Mean.Should().BeInRange(x.Min(), x.Max());
            s.SumOfSquaredDeviations.Should().BeGreaterThanOrEqualTo(0);
        }
    }

    [Fact]
    public void FromSpan_HugeSpreadWithSmallSum_SaysTheVarianceOverflowsNotTheSum()
    {
        var act = () => MetricSummary.FromSpan([1e300, -1e300, 1, 2]);
        act.Should().Throw<ArgumentException>().WithMessage("*squared deviations*").Which.Message.Should().NotContain("sum overflows");
    }

    [Fact]
    public void FromSpan_OppositeExtremes_SayTheDifferencesOverflowNotTheSum()
    {
        // The sum of MaxValue and -MaxValue is 0; what overflows is their difference (2 × MaxValue).
        var act = () => MetricSummary.FromSpan([double.MaxValue, -double.MaxValue]);

        act.Should().Throw<ArgumentException>().WithMessage("*differences*overflow*").Which.Message.Should().NotContain("sum overflows");
    }
}
