namespace CohortKit.Errors;

/// <summary>The base of every exception that CohortKit defines for callers to catch.</summary>
/// <remarks>Argument errors use the framework's <see cref="ArgumentException"/> family instead; a subtype of this
/// class is thrown only where a caller can act on the specific failure (bad input file, infeasible request…).</remarks>
public class CohortKitException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    public CohortKitException(string message) : base(message) { }

    /// <summary>Creates an exception with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, for a person.</param>
    /// <param name="innerException">The cause.</param>
    public CohortKitException(string message, Exception innerException) : base(message, innerException) { }
}
