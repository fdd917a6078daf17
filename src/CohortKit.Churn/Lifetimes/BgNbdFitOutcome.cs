namespace CohortKit.Churn.Lifetimes;

/// <summary>How a BG/NBD fit ended (<see cref="BgNbdFit.Outcome"/>); only <see cref="Converged"/> is a maximum of the likelihood.</summary>
public enum BgNbdFitOutcome
{
    /// <summary>The gradient tolerance was met at a point inside the parameter space: a maximum.</summary>
    Converged,

    /// <summary>The iteration limit was reached; the parameters are the best point seen.</summary>
    IterationLimit,

    /// <summary>The optimiser stopped making progress where the gradient is not yet zero: not a maximum.</summary>
    NotStationary,

    /// <summary>a and b grow without bound with a/(a + b) settling: the likelihood rises towards the limit in which every
    /// customer drops out after each transaction with the same probability p = a/(a + b) (a Beta distribution collapsing to a
    /// point). The supremum lies on that boundary; the parameters are a point close to it, not a maximum.</summary>
    DropoutLimit,

    /// <summary>Another parameter runs to 0 or to infinity: the maximum lies on the boundary of the parameter space.</summary>
    Boundary,
}
