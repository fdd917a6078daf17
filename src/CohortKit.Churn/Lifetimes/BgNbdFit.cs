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

    /// <summary>Gets whether the optimiser met its gradient tolerance within the iteration limit.</summary>
    public required bool Converged { get; init; }

    /// <summary>Gets the optimiser's iterations.</summary>
    public required int Iterations { get; init; }
}
