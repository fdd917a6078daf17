using MathNet.Numerics;

namespace CohortKit.Experiments.Sequential;

/// <summary>
/// An anytime-valid sample-ratio-mismatch check (Lindon and Malek 2022, as GrowthBook's sequential SRM): a Dirichlet
/// prior centred on the designed split (concentration c) gives a Bayes factor of "some other split" against the design,
/// BF = B(α + x)/B(α) / Πᵢ pᵢ^{xᵢ}; p = min over looks of 1/BF is valid at every look.
/// </summary>
/// <remarks>Not thread-safe: one instance follows one experiment.</remarks>
public sealed class SequentialSampleRatioMismatch
{
    private readonly double[] _ratios;
    private readonly double _concentration;
    private double _p = 1;

    /// <summary>Creates the check.</summary>
    /// <param name="expectedRatios">The designed split (positive; normalised).</param>
    /// <param name="concentration">The Dirichlet concentration c (GrowthBook's default 10,000).</param>
    /// <exception cref="ArgumentException">Fewer than 2 arms or a non-positive ratio.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The concentration is not positive.</exception>
    public SequentialSampleRatioMismatch(ReadOnlySpan<double> expectedRatios, double concentration = 10_000)
    {
        if (expectedRatios.Length < 2) { throw new ArgumentException("At least two arms are needed.", nameof(expectedRatios)); }
        if (!(concentration > 0)) { throw new ArgumentOutOfRangeException(nameof(concentration), concentration, "The concentration must be positive."); }
        var sum = 0.0;
        foreach (var r in expectedRatios)
        {
            if (!(r > 0)) { throw new ArgumentException("Every expected ratio must be positive.", nameof(expectedRatios)); }
            sum += r;
        }

        _ratios = new double[expectedRatios.Length];
        for (var i = 0; i < _ratios.Length; i++) { _ratios[i] = expectedRatios[i] / sum; }
        _concentration = concentration;
    }

    /// <summary>Gets the always-valid p-value so far.</summary>
    public double PValue => _p;

    /// <summary>Adds a look at cumulative arm counts.</summary>
    /// <param name="counts">Units per arm so far.</param>
    /// <returns>The always-valid p-value after this look.</returns>
    /// <exception cref="ArgumentException">The counts' length differs from the arms' or a count is negative.</exception>
    public double Update(ReadOnlySpan<long> counts)
    {
        if (counts.Length != _ratios.Length) { throw new ArgumentException($"counts has {counts.Length} arms; the design has {_ratios.Length}.", nameof(counts)); }
        double logBf = 0, alphaSum = 0, total = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] < 0) { throw new ArgumentException($"counts[{i}] is negative.", nameof(counts)); }
            var a = _concentration * _ratios[i];
            logBf += SpecialFunctions.GammaLn(a + counts[i]) - SpecialFunctions.GammaLn(a) - counts[i] * Math.Log(_ratios[i]);
            alphaSum += a;
            total += counts[i];
        }

        logBf += SpecialFunctions.GammaLn(alphaSum) - SpecialFunctions.GammaLn(alphaSum + total);
        _p = Math.Min(_p, Math.Min(1, Math.Exp(-logBf)));
        return _p;
    }
}
