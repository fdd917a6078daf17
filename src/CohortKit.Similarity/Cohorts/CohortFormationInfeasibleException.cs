using CohortKit.Errors;

namespace CohortKit.Similarity.Cohorts;

/// <summary>Thrown when learners cannot be split into cohorts within the size bounds (and constraints): it says which bound fails and why.</summary>
public sealed class CohortFormationInfeasibleException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="bound">The bound or constraint that cannot be met, e.g. <c>MinSize</c>.</param>
    /// <param name="message">Why.</param>
    public CohortFormationInfeasibleException(string bound, string message) : base(message) => Bound = bound;

    /// <summary>Gets the bound or constraint that cannot be met.</summary>
    public string Bound { get; }
}
