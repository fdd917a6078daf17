using CohortKit.Errors;

namespace CohortKit.Regions.Policy;

/// <summary>The operations the residency guard checks.</summary>
public enum ResidencyOperation
{
    /// <summary>Reading learner data from a region.</summary>
    Read,

    /// <summary>Copying learner data into another region's store.</summary>
    Copy,
}

/// <summary>Thrown when learner data of a class would be read from or copied into a region the residency policy does not allow
/// for it. The refusal has already been written to the audit log when this is thrown; nothing was read or written.</summary>
/// <remarks>The message and properties carry the learner's pseudonymous token, never the learner id or personal data.</remarks>
public sealed class ResidencyViolationException : CohortKitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What was attempted.</param>
    /// <param name="dataClass">The data class.</param>
    /// <param name="homeRegion">The learner's home region.</param>
    /// <param name="targetRegion">The region that would have read or held the data.</param>
    /// <param name="subjectToken">The learner's pseudonymous token.</param>
    /// <param name="auditSequence">The sequence number of the audit entry recording the refusal.</param>
    public ResidencyViolationException(ResidencyOperation operation, DataClass dataClass, string homeRegion, string targetRegion, string subjectToken, long auditSequence)
        : base($"Residency policy: {operation} of {dataClass} data of learner {subjectToken} (home region '{homeRegion}') in region '{targetRegion}' is not allowed; refused and audited as entry {auditSequence}.")
    {
        Operation = operation;
        DataClass = dataClass;
        HomeRegion = homeRegion;
        TargetRegion = targetRegion;
        SubjectToken = subjectToken;
        AuditSequence = auditSequence;
    }

    /// <summary>Gets what was attempted.</summary>
    public ResidencyOperation Operation { get; }

    /// <summary>Gets the data class.</summary>
    public DataClass DataClass { get; }

    /// <summary>Gets the learner's home region.</summary>
    public string HomeRegion { get; }

    /// <summary>Gets the region that would have read or held the data.</summary>
    public string TargetRegion { get; }

    /// <summary>Gets the learner's pseudonymous token (as in the audit log).</summary>
    public string SubjectToken { get; }

    /// <summary>Gets the sequence number of the audit entry recording the refusal.</summary>
    public long AuditSequence { get; }
}
