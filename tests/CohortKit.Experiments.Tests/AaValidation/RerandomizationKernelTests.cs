using CohortKit.Experiments.Hypothesis;
using CohortKit.Events;
using CohortKit.Experiments.AaValidation;
using CohortKit.Learners;
using CohortKit.Simulation;
using MathNet.Numerics.Distributions;

namespace CohortKit.Experiments.Tests.AaValidation;

public class RerandomizationKernelTests
{
    public static TheoryData<int, int> Ranges() => new() { { 0, 1 }, { 0, 7 }, { 3, 4 }, { 2, 13 }, { 0, 40 } };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void MaskedSums_MatchScalar(int from, int to)
    {
        var rng = new Random(from * 31 + to);
        var words = 40;
        var y = Enumerable.Range(0, words * 64).Select(_ => rng.NextDouble() * 10 - 3).ToArray();
        var y2 = y.Select(v => v * v).ToArray();
        var mask = Enumerable.Range(0, words).Select(_ => (ulong)rng.NextInt64() ^ ((ulong)rng.NextInt64() << 1)).ToArray();
        var valid = Enumerable.Range(0, words).Select(w => w % 5 == 4 ? 0x00FF_FFFF_FFFF_0F0FUL : ulong.MaxValue).ToArray();
        var (s, q) = RerandomizationEngine.MaskedSums(y, y2, mask, valid, from, to);
        double es = 0, eq = 0;
        for (var i = from * 64; i < to * 64; i++)
        {
            if (((mask[i / 64] & valid[i / 64]) >> (i % 64) & 1) == 1) { es += y[i]; eq += y2[i]; }
        }

        s.Should().BeApproximately(es, 1e-10);
        q.Should().BeApproximately(eq, 1e-9);
    }

    [Fact]
    public void WelchFromSums_EqualsWelchOnTheExplicitSplit()
    {
        var rng = new Random(4);
        var values = Enumerable.Range(0, 1000).Select(_ => Math.Exp(rng.NextDouble() * 2)).ToArray();
        var mean = values.Average();
        var inTreatment = values.Select(_ => rng.NextDouble() < 0.4).ToArray();
        double st = 0, qt = 0, s = 0, q = 0;
        long nt = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var c = values[i] - mean;
            s += c; q += c * c;
            if (inTreatment[i]) { st += c; qt += c * c; nt++; }
        }

        var p = RerandomizationEngine.WelchP(nt, st, qt, values.Length, s, q);
        var expected = WelchTTest.Compute(values.Where((_, i) => !inTreatment[i]).ToArray(), values.Where((_, i) => inTreatment[i]).ToArray()).PValue;
        p.Should().BeApproximately(expected, 1e-10);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.3)]
    [InlineData(0.9)]
    public void Assign_GivesTheRequestedShare(double split)
    {
        var mask = new ulong[2000];
        RerandomizationEngine.Assign(7, 3, split, mask);
        var ones = mask.Sum(w => System.Numerics.BitOperations.PopCount(w));
        var n = mask.Length * 64;
        ((double)ones / n).Should().BeApproximately(split, 4.5 * Math.Sqrt(split * (1 - split) / n));
    }
}
