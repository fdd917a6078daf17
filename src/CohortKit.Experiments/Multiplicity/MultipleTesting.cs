namespace CohortKit.Experiments.Multiplicity;

/// <summary>A multiple-testing correction.</summary>
public enum Correction
{
    /// <summary>No adjustment.</summary>
    None = 0,

    /// <summary>Bonferroni: p·m (family-wise error control).</summary>
    Bonferroni = 1,

    /// <summary>Holm's step-down (family-wise error control, uniformly more powerful than Bonferroni).</summary>
    Holm = 2,

    /// <summary>Benjamini–Hochberg step-up (false discovery rate control).</summary>
    BenjaminiHochberg = 3,
}

/// <summary>Adjusted p-values as statsmodels <c>multipletests</c> (<c>bonferroni</c>, <c>holm</c>, <c>fdr_bh</c>).</summary>
public static class MultipleTesting
{
    /// <summary>Adjusts a family of p-values.</summary>
    /// <param name="pValues">The raw p-values, each in [0, 1].</param>
    /// <param name="correction">The method.</param>
    /// <returns>Adjusted p-values in input order, each in [0, 1].</returns>
    /// <exception cref="ArgumentException">A p-value is outside [0, 1] or NaN.</exception>
    public static double[] Adjust(ReadOnlySpan<double> pValues, Correction correction)
    {
        for (var i = 0; i < pValues.Length; i++)
        {
            if (!(pValues[i] is >= 0 and <= 1))
            {
                throw new ArgumentException($"pValues[{i}] is {pValues[i]}; p-values must be in [0, 1].", nameof(pValues));
            }
        }

        var m = pValues.Length;
        var adjusted = pValues.ToArray();
        if (m == 0 || correction == Correction.None)
        {
            return adjusted;
        }

        if (correction == Correction.Bonferroni)
        {
            for (var i = 0; i < m; i++) { adjusted[i] = Math.Min(1, adjusted[i] * m); }
            return adjusted;
        }

        var raw = adjusted.ToArray();
        var order = Enumerable.Range(0, m).OrderBy(i => raw[i]).ThenBy(i => i).ToArray();
        if (correction == Correction.Holm)
        {
            var running = 0.0;
            for (var k = 0; k < m; k++)
            {
                running = Math.Max(running, Math.Min(1, (m - k) * pValues[order[k]]));
                adjusted[order[k]] = running;
            }
        }
        else
        {
            var running = 1.0;
            for (var k = m - 1; k >= 0; k--)
            {
                running = Math.Min(running, Math.Min(1, (double)m / (k + 1) * pValues[order[k]]));
                adjusted[order[k]] = running;
            }
        }

        return adjusted;
    }

    /// <summary>The confidence level of each interval after a Bonferroni adjustment of a family of m intervals: 1 − α/m.</summary>
    /// <param name="alpha">The family's significance level.</param>
    /// <param name="familySize">The number of intervals (≥ 1).</param>
    /// <returns>The per-interval alpha, α/m.</returns>
    public static double BonferroniAlpha(double alpha, int familySize)
    {
        Guard.Alpha(alpha);
        ArgumentOutOfRangeException.ThrowIfLessThan(familySize, 1);
        return alpha / familySize;
    }
}
