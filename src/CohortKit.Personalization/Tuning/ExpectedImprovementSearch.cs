using CohortKit.Randomness;

namespace CohortKit.Personalization.Tuning;

/// <summary>Maximises expected improvement, <c>EI(x) = (f* − μ)Φ(z) + σφ(z)</c>, <c>z = (f* − μ)/σ</c> (minimisation, on the
/// surrogate's standardised scale), over the unit cube: random candidates and Gaussian perturbations of the observed points
/// of best posterior mean are scored in blocks of 64 (one triangular solve per block), then the best few are refined by BFGS on −log EI with its analytic gradient
/// (<c>∂EI/∂x = −Φ(z)∂μ/∂x + φ(z)∂σ/∂x</c>). Every point is scored where the trial will really be: decoded to the space's
/// parameters (integers rounded, one category) and encoded back.</summary>
internal static class ExpectedImprovementSearch
{
    private const int RefinedStarts = 5;
    private const int BlockSize = 64;
    private const int PerturbedIncumbents = 5;
    private const int PerturbationsPerIncumbent = 20;
    private static readonly double[] PerturbationScales = [0.05, 0.01];
    private const int RefinementEvaluations = 40;
    private static readonly double InverseSqrtTwoPi = 1 / Math.Sqrt(2 * Math.PI);

    /// <summary>The noise-aware incumbent f*: the lowest standardised posterior mean at an observed point.</summary>
    /// <param name="gp">The surrogate.</param>
    /// <param name="observed">The observed unit-cube points.</param>
    /// <param name="scratch">At least n doubles.</param>
    /// <returns>The index of the observed point of lowest posterior mean, and that mean.</returns>
    public static (int Index, double Mean) Incumbent(GaussianProcess gp, double[][] observed, Span<double> scratch)
    {
        var best = (Index: -1, Mean: double.PositiveInfinity);
        for (var i = 0; i < observed.Length; i++)
        {
            var mean = gp.PredictStandardized(observed[i], scratch, [], []).Mean;
            if (mean < best.Mean) { best = (i, mean); }
        }

        return best;
    }

    /// <summary>Finds the point of largest expected improvement.</summary>
    /// <param name="gp">The surrogate, fitted to <paramref name="observed"/>.</param>
    /// <param name="space">The search space (for sampling, rounding and categories).</param>
    /// <param name="random">The tuner's generator.</param>
    /// <param name="observed">The observed unit-cube points.</param>
    /// <param name="candidates">The number of random candidates.</param>
    /// <returns>The unit-cube encoding of the best point found.</returns>
    public static double[] Maximize(GaussianProcess gp, SearchSpace space, ref Xoshiro256 random, double[][] observed, int candidates)
    {
        var d = space.Dimension;
        var scratch = new double[3 * gp.Count];
        var means = new double[observed.Length];
        for (var i = 0; i < observed.Length; i++) { means[i] = gp.PredictStandardized(observed[i], scratch, [], []).Mean; }
        var incumbent = means.Min();
        var best = new double[d];
        var bestEi = double.NegativeInfinity;
        var top = new List<(double Ei, double[] Point)>();
        var block = new double[BlockSize * d];
        var blockMeans = new double[BlockSize];
        var blockVariances = new double[BlockSize];
        var work = new double[gp.Count * BlockSize];
        var filled = 0;
        for (var c = 0; c < candidates; c++)
        {
            space.Encode(space.Sample(ref random), block.AsSpan(filled * d, d));
            if (++filled == BlockSize) { ScoreBlock(); }
        }

        ScoreBlock();
        foreach (var i in Enumerable.Range(0, observed.Length).OrderBy(i => means[i]).Take(PerturbedIncumbents))
        {
            foreach (var scale in PerturbationScales)
            {
                for (var k = 0; k < PerturbationsPerIncumbent / PerturbationScales.Length; k++)
                {
                    var point = block.AsSpan(filled * d, d);
                    for (var j = 0; j < d; j++) { point[j] = Math.Clamp(observed[i][j] + (scale * random.NextGaussian()), 0, 1); }
                    Snap(space, point);
                    if (++filled == BlockSize) { ScoreBlock(); }
                }
            }
        }

        ScoreBlock();
        var meanGradient = new double[d];
        var varianceGradient = new double[d];
        var lower = new double[d];
        var upper = new double[d];
        Array.Fill(upper, 1.0);
        foreach (var (_, start) in top.ToList())
        {
            Bfgs.Minimize((x, gradient) => NegativeLogExpectedImprovement(gp, x, incumbent, scratch, meanGradient, varianceGradient, gradient), start, lower, upper, RefinementEvaluations);
            Snap(space, start);
            Score(start);
        }

        return best;

        void Score(double[] point) => Consider(Value(gp, point, incumbent, scratch), point);

        void ScoreBlock()
        {
            if (filled == 0) { return; }
            gp.PredictBlock(block.AsSpan(0, filled * d), blockMeans.AsSpan(0, filled), blockVariances.AsSpan(0, filled), work);
            for (var c = 0; c < filled; c++) { Consider(Ei(incumbent - blockMeans[c], Math.Sqrt(blockVariances[c])), block.AsSpan(c * d, d)); }
            filled = 0;
        }

        void Consider(double ei, ReadOnlySpan<double> point)
        {
            if (ei > bestEi) { bestEi = ei; point.CopyTo(best); }
            if (top.Count < RefinedStarts || ei > top[^1].Ei)
            {
                top.Add((ei, point.ToArray()));
                top.Sort((a, b) => b.Ei.CompareTo(a.Ei));
                if (top.Count > RefinedStarts) { top.RemoveAt(top.Count - 1); }
            }
        }
    }

    /// <summary>EI at a point, standardised scale.</summary>
    private static double Value(GaussianProcess gp, ReadOnlySpan<double> point, double incumbent, Span<double> scratch)
    {
        var (mean, variance) = gp.PredictStandardized(point, scratch, [], []);
        return Ei(incumbent - mean, Math.Sqrt(variance));
    }

    /// <summary>EI from the improvement f* − μ and σ.</summary>
    private static double Ei(double improvement, double sd)
    {
        var z = improvement / sd;
        return (improvement * Engine.ActionSelection.NormalCdf(z)) + (sd * Density(z));
    }

    /// <summary>−log EI and its gradient; +∞ where EI underflows to 0.</summary>
    private static double NegativeLogExpectedImprovement(GaussianProcess gp, ReadOnlySpan<double> point, double incumbent, Span<double> scratch,
        Span<double> meanGradient, Span<double> varianceGradient, Span<double> gradient)
    {
        var (mean, variance) = gp.PredictStandardized(point, scratch, meanGradient, varianceGradient);
        var sd = Math.Sqrt(variance);
        var z = (incumbent - mean) / sd;
        var cdf = Engine.ActionSelection.NormalCdf(z);
        var density = Density(z);
        var ei = ((incumbent - mean) * cdf) + (sd * density);
        if (!(ei > 0)) { return double.PositiveInfinity; }
        for (var j = 0; j < gradient.Length; j++)
        {
            var eiGradient = (-cdf * meanGradient[j]) + (density * varianceGradient[j] / (2 * sd));
            gradient[j] = -eiGradient / ei;
        }

        return -Math.Log(ei);
    }

    private static double Density(double z) => Math.Exp(-0.5 * z * z) * InverseSqrtTwoPi;

    /// <summary>Moves a unit-cube point to where its trial would be (integers rounded, one category).</summary>
    private static void Snap(SearchSpace space, Span<double> point) => space.Encode(space.Decode(point), point);
}
