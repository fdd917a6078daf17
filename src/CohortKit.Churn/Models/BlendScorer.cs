namespace CohortKit.Churn.Models;

/// <summary>A weighted sum of member models' raw scores, Σ wₘ·sₘ(x), the weights fitted by stacking
/// (<see cref="StackingWeights"/>: a logistic regression of the outcome on the members' held-out scores), so that a weaker
/// member counts less and no member dominates by the mere scale of its raw score (<see cref="ChurnModelType.Blend"/>).</summary>
internal sealed class BlendScorer : RawScorer
{
    public BlendScorer(RawScorer[] members, double[] weights)
    {
        if (members.Length < 2 || weights.Length != members.Length || !weights.All(double.IsFinite))
        {
            throw new ArgumentException("A blend needs two or more members and one finite weight each.", nameof(weights));
        }

        Members = members;
        Weights = weights;
    }

    public RawScorer[] Members { get; }

    public double[] Weights { get; }

    /// <summary>The slopes of the maximum-likelihood logistic regression of <paramref name="labels"/> on the members'
    /// held-out scores (one column each, plus an intercept, which is left to the calibration that follows).</summary>
    /// <param name="columns">One array of held-out scores per member, all of the labels' length.</param>
    /// <param name="labels">The held-out rows' outcomes (both classes present).</param>
    /// <returns>One weight per member.</returns>
    public static double[] StackingWeights(double[][] columns, ReadOnlySpan<bool> labels) => LogisticFit.Fit(columns, labels, initialSlope: 0).Slopes;

    public override double Score(ReadOnlySpan<float> row)
    {
        var sum = 0.0;
        for (var m = 0; m < Members.Length; m++) { sum += Weights[m] * Members[m].Score(row); }
        return sum;
    }

    /// <summary>Each member scores the block with its own fast path; the weighted scores are summed in member order, so the
    /// result equals <see cref="Score"/> row by row bit for bit.</summary>
    public override void ScoreRows(ReadOnlySpan<float> data, int dimensions, Span<double> destination)
    {
        var scratch = new double[destination.Length];
        destination.Clear();
        for (var m = 0; m < Members.Length; m++)
        {
            Members[m].ScoreRows(data, dimensions, scratch);
            var w = Weights[m];
            for (var r = 0; r < destination.Length; r++) { destination[r] += w * scratch[r]; }
        }
    }
}
