using CohortKit.Metrics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CohortKit.Core.Tests.Metrics;

public class MetricSummaryTests
{
    // Independent reference: exact mean and variance in decimal arithmetic. Inputs are multiples of 1/8, so they are
    // exact in both double and decimal and the reference carries no rounding error worth the name.
    private static (double Mean, double Variance) Exact(double[] x)
    {
        decimal sum = 0;
        foreach (var v in x) { sum += (decimal)v; }
        var mean = sum / x.Length;
        decimal ss = 0;
        foreach (var v in x) { ss += ((decimal)v - mean) * ((decimal)v - mean); }
        return ((double)mean, x.Length > 1 ? (double)(ss / (x.Length - 1)) : double.NaN);
    }

    private static double[] Values(int[] raw, int scale, int offset) => raw.Select(v => offset + v * (scale / 8.0)).ToArray();

    // The relative error of any floating-point variance grows with the condition number κ = 1 + mean²/variance
    // (Chan, Golub and LeVeque 1983). The claim: 1e-12 relative for well-conditioned data (κ up to ~2,000 at these
    // sizes), and never worse than a small multiple of n·κ·ε otherwise.
    private static double Tolerance(double mean, double variance, int n)
        => Math.Max(1e-12, 8 * n * (1 + mean * mean / Math.Max(variance, double.Epsilon)) * 1.1e-16);

    [Property(MaxTest = 1000)]
    public bool Merge_OfTwoSummaries_EqualsExactMeanAndVarianceOfUnion(int[] a, int[] b, PositiveInt scale, int offset)
    {
        var xa = Values(a, scale.Get, offset);
        var xb = Values(b, scale.Get, offset);
        var union = xa.Concat(xb).ToArray();
        var merged = MetricSummary.FromSpan(xa).Merge(MetricSummary.FromSpan(xb));
        if (union.Length == 0) { return merged.Count == 0; }
        var (mean, variance) = Exact(union);
        var ok = merged.Count == union.Length && Math.Abs(merged.Mean - mean) <= 1e-15 * MaxAbs(union) && merged.Min == union.Min() && merged.Max == union.Max();
        if (union.Length < 2 || !ok) { return ok; }
        return variance == 0 ? merged.Variance <= 1e-28 * mean * mean : Close(merged.Variance, variance, Tolerance(mean, variance, union.Length));
    }

    [Property(MaxTest = 300)]
    public bool Add_OneAtATime_EqualsExact(int[] a, int offset)
    {
        var x = Values(a, 50, offset);
        var incremental = x.Aggregate(MetricSummary.Empty, (s, v) => s.Add(v));
        if (x.Length < 2) { return incremental.Count == x.Length; }
        var (mean, variance) = Exact(x);
        return Math.Abs(incremental.Mean - mean) <= 4e-16 * x.Length * MaxAbs(x)
            && (variance == 0 ? incremental.Variance <= 1e-28 * mean * mean : Close(incremental.Variance, variance, Tolerance(mean, variance, x.Length)));
    }

    [Fact]
    public void Merge_WellConditionedData_Within1e12OfExact()
    {
        var rng = new Random(3);
        for (var trial = 0; trial < 200; trial++)
        {
            var xa = Enumerable.Range(0, rng.Next(1, 3000)).Select(_ => rng.Next(-4000, 4000) / 8.0 + 100).ToArray();
            var xb = Enumerable.Range(0, rng.Next(1, 3000)).Select(_ => rng.Next(-4000, 4000) / 8.0 + 100).ToArray();
            var (mean, variance) = Exact(xa.Concat(xb).ToArray());
            var merged = MetricSummary.FromSpan(xa).Merge(MetricSummary.FromSpan(xb));
            merged.Mean.Should().BeApproximately(mean, 1e-12 * Math.Abs(mean));
            merged.Variance.Should().BeApproximately(variance, 1e-12 * variance);
        }
    }

    [Fact]
    public void Merge_IsAssociativeAcrossManyShards_MatchingTwoPass()
    {
        var rng = new Random(7);
        var data = Enumerable.Range(0, 100_003).Select(_ => 5 + rng.Next(0, 4096) / 1024.0).ToArray();
        var shards = data.Chunk(997).Select(c => MetricSummary.FromSpan(c)).ToArray();
        var merged = shards.Aggregate(MetricSummary.Empty, (s, x) => s.Merge(x));
        var (mean, variance) = Exact(data);
        merged.Count.Should().Be(data.Length);
        merged.Mean.Should().BeApproximately(mean, 1e-12 * Math.Abs(mean));
        merged.Variance.Should().BeApproximately(variance, 1e-12 * variance);
    }

    [Fact]
    public void FromSpan_LargeOffset_StaysAccurateWhereNaiveSumOfSquaresFails()
    {
        // Values 1e9 + {4, 7, 13, 16}: variance 30 exactly (a classic cancellation trap).
        var x = Enumerable.Range(0, 4096).Select(i => 1e9 + new[] { 4.0, 7, 13, 16 }[i % 4]).ToArray();
        var s = MetricSummary.FromSpan(x);
        s.PopulationVariance.Should().BeApproximately(22.5, 1e-9);
        s.Mean.Should().Be(1e9 + 10);
    }

    [Fact]
    public void FromSpan_MatchesMathNetMeanVariance()
    {
        var rng = new Random(11);
        var x = Enumerable.Range(0, 123_457).Select(_ => rng.NextDouble() * 100 - 20).ToArray();
        var (mean, variance) = MathNet.Numerics.Statistics.ArrayStatistics.MeanVariance(x);
        var s = MetricSummary.FromSpan(x);
        s.Mean.Should().BeApproximately(mean, 1e-12 * Math.Abs(mean));
        s.Variance.Should().BeApproximately(variance, 1e-12 * variance);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void FromSpan_NonFinite_ThrowsNamingTheIndex(double bad)
    {
        var x = Enumerable.Range(0, 5000).Select(i => (double)i).ToArray();
        x[4321] = bad;
        var act = () => MetricSummary.FromSpan(x);
        act.Should().Throw<ArgumentException>().WithMessage("*index 4321*").And.ParamName.Should().Be("values");
    }

    [Fact]
    public void FromSpan_Float_NonFinite_ThrowsNamingTheIndex()
    {
        var x = new float[1000];
        x[700] = float.NaN;
        var act = () => MetricSummary.FromSpan(x);
        act.Should().Throw<ArgumentException>().WithMessage("*index 700*");
    }

    [Fact]
    public void Add_NonFinite_Throws()
    {
        var act = () => MetricSummary.Empty.Add(double.NaN);
        act.Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("value");
    }

    [Fact]
    public void Statistics_WithoutEnoughData_ThrowInsteadOfNaN()
    {
        var empty = MetricSummary.Empty;
        ((Func<double>)(() => empty.Mean)).Should().Throw<InvalidOperationException>();
        var one = empty.Add(3);
        one.Mean.Should().Be(3);
        one.PopulationVariance.Should().Be(0);
        ((Func<double>)(() => one.Variance)).Should().Throw<InvalidOperationException>().WithMessage("*at least 2*");
    }

    [Fact]
    public void FromParts_Inconsistent_Throws()
    {
        ((Func<MetricSummary>)(() => MetricSummary.FromParts(3, 1, -1, 0, 2))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("sumOfSquaredDeviations");
        ((Func<MetricSummary>)(() => MetricSummary.FromParts(3, 1, 1, 5, 2))).Should().Throw<ArgumentOutOfRangeException>().And.ParamName.Should().Be("min");
        MetricSummary.FromParts(4, 2.5, 5, 1, 4).Variance.Should().BeApproximately(5.0 / 3, 1e-15);
    }

    [Fact]
    public void Merge_WithEmpty_IsIdentity()
    {
        var s = MetricSummary.FromSpan(new[] { 1.0, 2, 3 });
        s.Merge(MetricSummary.Empty).Should().Be(s);
        MetricSummary.Empty.Merge(s).Should().Be(s);
    }

    // Rounding error of a mean is relative to the size of the data, not of the (possibly near-zero) mean.
    private static double MaxAbs(double[] x) => x.Max(Math.Abs);

    private static bool Close(double actual, double expected, double relative)
        => actual == expected || Math.Abs(actual - expected) <= relative * Math.Abs(expected);

    [Fact]
    public void Add_ValuesWhoseSquaredDeviationsOverflow_ThrowsLikeFromSpan()
    {
        // (1e300 - (-1e300))^2 / 2 = 2e600 is beyond double.MaxValue (1.8e308): the variance cannot be represented.
        double[] values = [1e300, -1e300];
        FluentActions.Invoking(() => MetricSummary.FromSpan(values)).Should().Throw<ArgumentException>();

        var act = () => MetricSummary.Empty.Add(1e300).Add(-1e300);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value").WithMessage("*overflow*");
    }

    [Fact]
    public void Merge_SummariesWhoseUnionOverflows_Throws()
    {
        var high = MetricSummary.FromSpan([1e300, 1e300]);
        var low = MetricSummary.FromSpan([-1e300, -1e300]);

        var act = () => high.Merge(low);

        act.Should().Throw<ArgumentException>().WithMessage("*overflow*");
    }

    [Fact]
    public void AddAndMerge_LargeButRepresentableSpread_StayFinite()
    {
        // Deviations of ±1e150 square to 1e300: representable, so no exception. Exact M2 of {1e150, -1e150} is 2e300.
        var summary = MetricSummary.Empty.Add(1e150).Add(-1e150);

        summary.Variance.Should().BeApproximately(2e300, 2e300 * 1e-15);
        MetricSummary.FromSpan([1e150]).Merge(MetricSummary.FromSpan([-1e150])).Variance.Should().BeApproximately(2e300, 2e300 * 1e-15);
    }
}
