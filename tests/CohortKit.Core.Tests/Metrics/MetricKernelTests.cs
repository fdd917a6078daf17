using CohortKit.Metrics;

namespace CohortKit.Core.Tests.Metrics;

/// <summary>The SIMD block kernels against scalar references for every length 0..256 and some odd large ones.
/// CI runs this class again with DOTNET_EnableHWIntrinsic=0 (scalar path) and DOTNET_EnableAVX512F=0 (256-bit path).</summary>
public class MetricKernelTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        for (var n = 0; n <= 256; n++) { data.Add(n); }
        foreach (var n in new[] { 1023, 2047, 2048, 2049, 4099, 10_007 }) { data.Add(n); }
        return data;
    }

    private static double[] Data(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() * 200 - 50).ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumMinMax_EveryLength_MatchesScalar(int n)
    {
        var x = Data(n, n);
        var (sum, min, max) = MetricSummary.SumMinMax(x);
        double refSum = 0, refMin = double.PositiveInfinity, refMax = double.NegativeInfinity;
        foreach (var v in x) { refSum += v; refMin = Math.Min(refMin, v); refMax = Math.Max(refMax, v); }
        sum.Should().BeApproximately(refSum, 1e-12 * Math.Max(1, x.Sum(Math.Abs)));
        min.Should().Be(refMin);
        max.Should().Be(refMax);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumSquaredDeviations_EveryLength_MatchesScalar(int n)
    {
        var x = Data(n, n + 1000);
        var mean = n == 0 ? 0 : x.Average();
        double expected = 0;
        foreach (var v in x) { expected += (v - mean) * (v - mean); }
        MetricSummary.SumSquaredDeviations(x, mean).Should().BeApproximately(expected, 1e-12 * Math.Max(1, expected));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FromSpan_EveryLength_MatchesWelford(int n)
    {
        var x = Data(n, n + 2000);
        var s = MetricSummary.FromSpan(x);
        s.Count.Should().Be(n);
        if (n == 0) { return; }
        // Independent reference: Welford's online algorithm.
        double mean = 0, m2 = 0;
        for (var i = 0; i < n; i++)
        {
            var d = x[i] - mean;
            mean += d / (i + 1);
            m2 += d * (x[i] - mean);
        }

        s.Mean.Should().BeApproximately(mean, 1e-12 * Math.Max(1, Math.Abs(mean)));
        s.SumOfSquaredDeviations.Should().BeApproximately(m2, 1e-11 * Math.Max(1, m2));
        s.Min.Should().Be(x.Min());
        s.Max.Should().Be(x.Max());
    }
}
