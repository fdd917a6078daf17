using CohortKit.Experiments.Distributions;

namespace CohortKit.Experiments.Hypothesis;

/// <summary>The result of a chi-square test.</summary>
/// <param name="ChiSquare">The statistic.</param>
/// <param name="DegreesOfFreedom">Its degrees of freedom.</param>
/// <param name="PValue">The upper-tail probability.</param>
public sealed record ChiSquareResult(double ChiSquare, int DegreesOfFreedom, double PValue);

/// <summary>Pearson chi-square tests: goodness of fit (as <c>scipy.stats.chisquare</c>) and independence in an r×c table
/// (as <c>scipy.stats.chi2_contingency</c>, with Yates' correction for 2×2 by default).</summary>
public static class ChiSquareTest
{
    /// <summary>Tests observed counts against expected proportions.</summary>
    /// <param name="observed">Counts per category (at least 2 categories, none negative).</param>
    /// <param name="expectedRatios">Expected proportions (positive; normalised to sum to 1).</param>
    /// <returns>χ² = Σ (o − e)² / e with k − 1 degrees of freedom.</returns>
    /// <exception cref="ArgumentException">Lengths differ, fewer than 2 categories, a negative count, a non-positive ratio, or no observations.</exception>
    public static ChiSquareResult GoodnessOfFit(ReadOnlySpan<long> observed, ReadOnlySpan<double> expectedRatios)
    {
        if (observed.Length != expectedRatios.Length)
        {
            throw new ArgumentException($"observed has {observed.Length} categories but expectedRatios has {expectedRatios.Length}.", nameof(expectedRatios));
        }

        if (observed.Length < 2)
        {
            throw new ArgumentException("At least two categories are needed.", nameof(observed));
        }

        double total = 0, ratioSum = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            if (observed[i] < 0) { throw new ArgumentException($"observed[{i}] is negative ({observed[i]}).", nameof(observed)); }
            if (!(expectedRatios[i] > 0 && double.IsFinite(expectedRatios[i]))) { throw new ArgumentException($"expectedRatios[{i}] must be positive and finite, not {expectedRatios[i]}.", nameof(expectedRatios)); }
            total += observed[i];
            ratioSum += expectedRatios[i];
        }

        if (total == 0)
        {
            throw new ArgumentException("There are no observations.", nameof(observed));
        }

        double chi2 = 0;
        for (var i = 0; i < observed.Length; i++)
        {
            var e = total * expectedRatios[i] / ratioSum;
            var d = observed[i] - e;
            chi2 += d * d / e;
        }

        var df = observed.Length - 1;
        return new ChiSquareResult(chi2, df, Probability.ChiSquareSurvival(chi2, df));
    }

    /// <summary>Tests independence of rows and columns in a contingency table.</summary>
    /// <param name="table">Counts, at least 2×2, none negative, no empty row or column.</param>
    /// <param name="yatesCorrection">Apply Yates' continuity correction when there is one degree of freedom (SciPy's default).</param>
    /// <returns>χ² with (r − 1)(c − 1) degrees of freedom.</returns>
    /// <exception cref="ArgumentException">The table is smaller than 2×2, has a negative count, or an empty row or column.</exception>
    public static ChiSquareResult Independence(long[,] table, bool yatesCorrection = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        int r = table.GetLength(0), c = table.GetLength(1);
        if (r < 2 || c < 2)
        {
            throw new ArgumentException($"The table is {r}×{c}; at least 2×2 is needed.", nameof(table));
        }

        var rows = new double[r];
        var cols = new double[c];
        double total = 0;
        for (var i = 0; i < r; i++)
        {
            for (var j = 0; j < c; j++)
            {
                if (table[i, j] < 0) { throw new ArgumentException($"table[{i},{j}] is negative.", nameof(table)); }
                rows[i] += table[i, j];
                cols[j] += table[i, j];
                total += table[i, j];
            }
        }

        if (rows.Contains(0) || cols.Contains(0))
        {
            throw new ArgumentException("A row or column of the table is empty; expected counts would be 0.", nameof(table));
        }

        var df = (r - 1) * (c - 1);
        double chi2 = 0;
        for (var i = 0; i < r; i++)
        {
            for (var j = 0; j < c; j++)
            {
                var e = rows[i] * cols[j] / total;
                var d = Math.Abs(table[i, j] - e);
                if (yatesCorrection && df == 1)
                {
                    d = Math.Max(0, d - 0.5);
                }

                chi2 += d * d / e;
            }
        }

        return new ChiSquareResult(chi2, df, Probability.ChiSquareSurvival(chi2, df));
    }
}
