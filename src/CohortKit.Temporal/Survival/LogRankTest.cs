using CohortKit.Experiments.Distributions;

namespace CohortKit.Temporal.Survival;

/// <summary>The log-rank statistic over a sorted sample, computed as R's <c>survdiff.fit</c> does: groups whose expected
/// count is 0 are dropped, then the first remaining group, and (O − E) is solved against the hypergeometric covariance.</summary>
internal static class LogRankTest
{
    public static LogRankResult Compute(SortedSample sample)
    {
        var g = sample.GroupCount;
        var times = sample.Times;
        var codes = sample.Codes;
        var atRisk = Array.ConvertAll(sample.GroupSizes, s => (double)s);
        var observed = new int[g];
        var expected = new double[g];
        var variance = new double[g, g];
        var deaths = new int[g];
        var leaving = new int[g];
        double total = times.Length;
        var i = 0;
        while (i < times.Length)
        {
            var t = times[i];
            Array.Clear(deaths);
            Array.Clear(leaving);
            var d = 0;
            var start = i;
            for (; i < times.Length && times[i] == t; i++)
            {
                var group = codes[i] >> 1;
                leaving[group]++;
                var died = codes[i] & 1;
                deaths[group] += died;
                d += died;
            }

            if (d > 0)
            {
                var factor = total > 1 ? d * (total - d) / (total - 1) : 0;
                for (var j = 0; j < g; j++)
                {
                    observed[j] += deaths[j];
                    var share = atRisk[j] / total;
                    expected[j] += d * share;
                    for (var k = 0; k < g; k++)
                    {
                        variance[j, k] += factor * share * ((j == k ? 1 : 0) - atRisk[k] / total);
                    }
                }
            }

            for (var j = 0; j < g; j++)
            {
                atRisk[j] -= leaving[j];
            }

            total -= i - start;
        }

        var kept = Enumerable.Range(0, g).Where(j => expected[j] > 0).ToArray();
        var df = kept.Length - 1;
        var chi = df < 1 ? 0 : Solve(variance, kept[1..], observed, expected);
        return new LogRankResult
        {
            ChiSquare = chi,
            DegreesOfFreedom = Math.Max(df, 0),
            PValue = df < 1 ? 1 : Probability.ChiSquareSurvival(chi, df),
            Observed = observed,
            Expected = expected,
        };
    }

    // (O − E)ᵀ V⁻¹ (O − E) on the kept groups, by Gaussian elimination with partial pivoting.
    private static double Solve(double[,] variance, int[] groups, int[] observed, double[] expected)
    {
        var m = groups.Length;
        var a = new double[m, m + 1];
        var diff = new double[m];
        for (var r = 0; r < m; r++)
        {
            diff[r] = observed[groups[r]] - expected[groups[r]];
            for (var c = 0; c < m; c++) { a[r, c] = variance[groups[r], groups[c]]; }
            a[r, m] = diff[r];
        }

        for (var col = 0; col < m; col++)
        {
            var pivot = col;
            for (var r = col + 1; r < m; r++)
            {
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) { pivot = r; }
            }

            if (a[pivot, col] == 0)
            {
                throw new ArgumentException("The log-rank covariance is singular: some group has no subject at risk at any event time besides those of the others.");
            }

            for (var c = 0; c <= m; c++) { (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]); }
            for (var r = 0; r < m; r++)
            {
                if (r == col) { continue; }
                var f = a[r, col] / a[col, col];
                for (var c = col; c <= m; c++) { a[r, c] -= f * a[col, c]; }
            }
        }

        var chi = 0.0;
        for (var r = 0; r < m; r++) { chi += diff[r] * a[r, m] / a[r, r]; }
        return chi;
    }
}
