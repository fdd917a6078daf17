using CohortKit.Personalization.Engine;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>Thompson sampling's normal draws (the ziggurat) against the standard normal distribution: the
/// Kolmogorov–Smirnov distance to Φ (Φ itself checked against SciPy in <see cref="ThompsonPropensityTests"/>), the moments,
/// and the share of draws in the tail beyond the base layer and far out, on 2,000,000 draws of fixed seeds.</summary>
public sealed class NormalZigguratTests
{
    private const int Draws = 2_000_000;

    private static double[] Sample(ulong stream)
    {
        var random = new Xoshiro256(11, stream);
        var draws = new double[Draws];
        for (var i = 0; i < Draws; i++) { draws[i] = NormalZiggurat.Next(ref random); }
        return draws;
    }

    [Fact]
    public void Next_TwoMillionDraws_KolmogorovSmirnovDistanceBelowTheOnePerMilleCriticalValue()
    {
        var draws = Sample(1);
        Array.Sort(draws);
        var distance = 0.0;
        for (var i = 0; i < Draws; i++)
        {
            var cdf = ActionSelection.NormalCdf(draws[i]);
            distance = Math.Max(distance, Math.Max(((i + 1.0) / Draws) - cdf, cdf - ((double)i / Draws)));
        }

        // The asymptotic critical value at α = 0.001 is 1.95/√n (the statistic of a correct sampler exceeds it once in 1,000 seeds).
        distance.Should().BeLessThan(1.95 / Math.Sqrt(Draws));
    }

    [Fact]
    public void Next_TwoMillionDraws_MomentsAndTailsOfTheStandardNormal()
    {
        var draws = Sample(2);
        var mean = draws.Average();
        var variance = draws.Select(x => (x - mean) * (x - mean)).Sum() / (Draws - 1);
        var kurtosis = draws.Select(x => Math.Pow(x - mean, 4)).Average() / (variance * variance);
        mean.Should().BeApproximately(0, 4 / Math.Sqrt(Draws));               // 4 standard errors
        variance.Should().BeApproximately(1, 4 * Math.Sqrt(2.0 / Draws));
        kurtosis.Should().BeApproximately(3, 4 * Math.Sqrt(96.0 / Draws));

        // Beyond the base layer's edge R = 3.4426 (drawn by the tail method) and beyond 4.5: 2·(1 − Φ(x)) of the draws,
        // within 4 binomial standard deviations.
        foreach (var edge in new[] { 3.442619855899, 4.5 })
        {
            var p = 2 * ActionSelection.NormalCdf(-edge);
            var count = draws.Count(x => Math.Abs(x) > edge);
            count.Should().BeInRange((int)((Draws * p) - (4 * Math.Sqrt(Draws * p))), (int)((Draws * p) + (4 * Math.Sqrt(Draws * p))), $"beyond ±{edge}");
        }
    }

    [Fact]
    public void Next_TwentyMillionDraws_TheTailBeyondTheBaseLayerHasTheNormalShape()
    {
        // Draws beyond R come from the tail method alone: among them, the share beyond R + 0.5 must be
        // Φ(−R − 0.5)/Φ(−R) = 0.140 (within 4 binomial standard deviations of about 11,500 tail draws).
        const double R = 3.442619855899;
        var random = new Xoshiro256(11, 3);
        var tail = 0;
        var far = 0;
        for (var i = 0; i < 20_000_000; i++)
        {
            var x = Math.Abs(NormalZiggurat.Next(ref random));
            if (x > R) { tail++; }
            if (x > R + 0.5) { far++; }
        }

        var expected = ActionSelection.NormalCdf(-R - 0.5) / ActionSelection.NormalCdf(-R);
        var share = (double)far / tail;
        share.Should().BeApproximately(expected, 4 * Math.Sqrt(expected * (1 - expected) / tail));
        ((double)tail).Should().BeApproximately(20_000_000 * 2 * ActionSelection.NormalCdf(-R), 4 * Math.Sqrt(20_000_000 * 2 * ActionSelection.NormalCdf(-R)));
    }
}
