namespace CohortKit.Experiments.Hypothesis;

/// <summary>The sample-ratio-mismatch check of an experiment.</summary>
/// <param name="ChiSquare">Pearson's χ² of observed against expected arm sizes.</param>
/// <param name="PValue">Its p-value.</param>
/// <param name="Observed">Units per arm.</param>
/// <param name="ExpectedRatios">The designed split (normalised).</param>
/// <param name="Threshold">The p-value below which the split is declared broken.</param>
public sealed record SrmResult(double ChiSquare, double PValue, IReadOnlyList<long> Observed, IReadOnlyList<double> ExpectedRatios, double Threshold)
{
    /// <summary>Gets whether the observed split is implausible under the design (p &lt; threshold): the readout is untrustworthy.</summary>
    public bool IsMismatch => PValue < Threshold;
}

/// <summary>Sample ratio mismatch (SRM): a chi-square goodness-of-fit test of arm sizes against the designed split.</summary>
public static class SampleRatioMismatch
{
    /// <summary>The conventional threshold (as GrowthBook): 0.001.</summary>
    public const double DefaultThreshold = 0.001;

    /// <summary>Checks arm sizes against the designed split.</summary>
    /// <param name="observed">Units per arm.</param>
    /// <param name="expectedRatios">The design's split (normalised).</param>
    /// <param name="threshold">p-value threshold, in (0, 1).</param>
    /// <returns>The check.</returns>
    /// <exception cref="ArgumentException">See <see cref="ChiSquareTest.GoodnessOfFit"/>.</exception>
    public static SrmResult Check(ReadOnlySpan<long> observed, ReadOnlySpan<double> expectedRatios, double threshold = DefaultThreshold)
    {
        Guard.Alpha(threshold, nameof(threshold));
        var chi = ChiSquareTest.GoodnessOfFit(observed, expectedRatios);
        var sum = 0.0;
        foreach (var r in expectedRatios) { sum += r; }
        var ratios = new double[expectedRatios.Length];
        for (var i = 0; i < ratios.Length; i++) { ratios[i] = expectedRatios[i] / sum; }
        return new SrmResult(chi.ChiSquare, chi.PValue, observed.ToArray(), ratios, threshold);
    }
}
