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
    public void ShiftedSumMinMax_EveryLength_MatchesScalar(int n)
    {
        var x = Data(n, n);
        const double shift = 17.25;
        var (sum, min, max) = MetricKernels.ShiftedSumMinMax(x, shift);
        double refSum = 0, refMin = double.PositiveInfinity, refMax = double.NegativeInfinity;
        foreach (var v in x) { refSum += v - shift; refMin = Math.Min(refMin, v); refMax = Math.Max(refMax, v); }
        sum.Should().BeApproximately(refSum, 1e-12 * Math.Max(1, x.Sum(Math.Abs)));
        min.Should().Be(refMin);
        max.Should().Be(refMax);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Deviations_EveryLength_MatchesScalar(int n)
    {
        var x = Data(n, n + 1000);
        var centre = n == 0 ? 0 : x.Average() + 0.5;
        double expectedSum = 0, expectedSquares = 0;
        foreach (var v in x) { expectedSum += v - centre; expectedSquares += (v - centre) * (v - centre); }
        var (sum, squares) = MetricKernels.Deviations(x, centre);
        sum.Should().BeApproximately(expectedSum, 1e-12 * Math.Max(1, x.Sum(v => Math.Abs(v - centre))));
        squares.Should().BeApproximately(expectedSquares, 1e-12 * Math.Max(1, expectedSquares));
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
