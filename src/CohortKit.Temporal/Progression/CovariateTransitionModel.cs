namespace CohortKit.Temporal.Progression;

/// <summary>A discrete-time transition model whose next-state probabilities depend on each learner's covariates: one
/// multinomial logistic regression per origin state (<see cref="ProgressionModel.FitWithCovariates"/>).</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed record CovariateTransitionModel
{
    /// <summary>Gets the covariate names, in the order <see cref="Probabilities"/> takes their values.</summary>
    public required IReadOnlyList<string> Covariates { get; init; }

    /// <summary>Gets the ridge penalty the slopes were fitted with (0 = maximum likelihood).</summary>
    public required double L2 { get; init; }

    /// <summary>Gets one regression per origin state, in <see cref="LearnerState"/> order.</summary>
    public required IReadOnlyList<OriginStateRegression> Origins { get; init; }

    /// <summary>P(next = to | now = <paramref name="from"/>, covariates) for the six states.</summary>
    /// <param name="from">The state now.</param>
    /// <param name="covariates">The learner's covariate values, one per <see cref="Covariates"/>, finite.</param>
    /// <returns>Six probabilities summing to 1; a next state never seen from <paramref name="from"/> in training gets 0.</returns>
    /// <exception cref="ArgumentException">The number of values differs from the covariates, or a value is not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="from"/> is not a defined state.</exception>
    public double[] Probabilities(LearnerState from, ReadOnlySpan<double> covariates)
    {
        if (!Enum.IsDefined(from)) { throw new ArgumentOutOfRangeException(nameof(from), from, "Not a defined state."); }
        if (covariates.Length != Covariates.Count)
        {
            throw new ArgumentException($"covariates has {covariates.Length} values; the model has {Covariates.Count} ({string.Join(", ", Covariates)}).", nameof(covariates));
        }

        for (var j = 0; j < covariates.Length; j++)
        {
            if (!double.IsFinite(covariates[j])) { throw new ArgumentException($"Covariate '{Covariates[j]}' is {covariates[j]}; values must be finite.", nameof(covariates)); }
        }

        var result = new double[TransitionMatrix.StateCount];
        Origins[(int)from].Fill(covariates, result);
        return result;
    }
}

/// <summary>The multinomial logistic regression of the next state from one origin state.</summary>
/// <remarks>Only the next states observed from this origin in training are modelled (the others get probability 0). The
/// reference outcome is the origin itself when staying was observed, otherwise the most frequent next state; its
/// coefficients are 0 by definition. An origin never seen keeps its learners (probability 1 of staying).</remarks>
public sealed record OriginStateRegression
{
    /// <summary>Gets the origin state.</summary>
    public required LearnerState From { get; init; }

    /// <summary>Gets the number of training transitions from this state.</summary>
    public required long Transitions { get; init; }

    /// <summary>Gets the reference outcome (log-odds are against it).</summary>
    public required LearnerState Reference { get; init; }

    /// <summary>Gets the modelled next states, <see cref="Reference"/> first.</summary>
    public required IReadOnlyList<LearnerState> Outcomes { get; init; }

    /// <summary>Gets, for each outcome after the reference (<c>Outcomes[k + 1]</c>), its intercept then one slope per covariate:
    /// log P(outcome) / P(reference) = b₀ + Σ bⱼ xⱼ.</summary>
    public required IReadOnlyList<IReadOnlyList<double>> Coefficients { get; init; }

    /// <summary>Gets the standard errors of <see cref="Coefficients"/> (inverse of the observed information; with a penalty, of
    /// the penalised information).</summary>
    public required IReadOnlyList<IReadOnlyList<double>> StandardErrors { get; init; }

    /// <summary>Gets the log-likelihood of the training transitions at the estimate (0 when one outcome only was seen).</summary>
    public required double LogLikelihood { get; init; }

    internal void Fill(ReadOnlySpan<double> covariates, Span<double> probabilities)
    {
        probabilities.Clear();
        var eta = new double[Outcomes.Count];
        var max = 0.0;
        for (var k = 1; k < eta.Length; k++)
        {
            var b = Coefficients[k - 1];
            var e = b[0];
            for (var j = 0; j < covariates.Length; j++) { e += b[j + 1] * covariates[j]; }
            eta[k] = e;
            max = Math.Max(max, e);
        }

        var sum = 0.0;
        for (var k = 0; k < eta.Length; k++) { sum += eta[k] = Math.Exp(eta[k] - max); }
        for (var k = 0; k < eta.Length; k++) { probabilities[(int)Outcomes[k]] = eta[k] / sum; }
    }
}
