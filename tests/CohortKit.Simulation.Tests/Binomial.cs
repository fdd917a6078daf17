namespace CohortKit.Simulation.Tests;

/// <summary>Binomial tolerance for shares: 4.5 standard errors (two-sided false-alarm probability about 7e-6 per check).</summary>
internal static class Binomial
{
    public static void ShareShouldMatch(int hits, int n, double p, string what)
    {
        var se = Math.Sqrt(p * (1 - p) / n);
        ((double)hits / n).Should().BeApproximately(p, 4.5 * se, what);
    }
}
