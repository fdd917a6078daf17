namespace CohortKit.Churn.Lifetimes;

/// <summary>The maximum-likelihood fit of a BG/NBD model.</summary>
public sealed record BgNbdFit
{
    /// <summary>Gets the number of customers fitted.</summary>
    public required int Customers { get; init; }

    /// <summary>Gets the fitted parameters.</summary>
    public required BgNbdParameters Parameters { get; init; }

    /// <summary>Gets the maximised log-likelihood (summed over customers, as FHL 2005 report it).</summary>
    public required double LogLikelihood { get; init; }

    /// <summary>Gets whether the fit is a maximum: the optimiser met its gradient tolerance within the iteration limit at a point
    /// inside the parameter space (<see cref="Outcome"/> is <see cref="BgNbdFitOutcome.Converged"/>).</summary>
    public bool Converged => Outcome == BgNbdFitOutcome.Converged;

    /// <summary>Gets how the fit ended.</summary>
    public required BgNbdFitOutcome Outcome { get; init; }

    /// <summary>Gets, when the fit is not <see cref="Converged"/>, why, for a person (null when it converged).</summary>
    public required string? Reason { get; init; }

    /// <summary>Gets the optimiser's iterations.</summary>
    public required int Iterations { get; init; }
}
