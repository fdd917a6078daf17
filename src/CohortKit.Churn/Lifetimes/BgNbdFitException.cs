using CohortKit.Errors;

namespace CohortKit.Churn.Lifetimes;

/// <summary>The BG/NBD fit failed: the optimiser could not proceed, or the log-likelihood has no finite maximum on these data
/// (for example a single customer). Nothing is returned, so no parameter can be NaN.</summary>
public sealed class BgNbdFitException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="customers">The number of customers fitted.</param>
    /// <param name="message">What failed, for a person.</param>
    public BgNbdFitException(int customers, string message)
        : base(message)
    {
        Customers = customers;
    }

    /// <summary>Creates the exception with the optimiser's exception that caused it.</summary>
    /// <param name="customers">The number of customers fitted.</param>
    /// <param name="message">What failed, for a person.</param>
    /// <param name="innerException">The optimiser's exception.</param>
    public BgNbdFitException(int customers, string message, Exception innerException)
        : base(message, innerException)
    {
        Customers = customers;
    }

    /// <summary>Gets the number of customers fitted.</summary>
    public int Customers { get; }
}
