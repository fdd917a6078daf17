namespace CohortKit.Temporal.Scheduling;

/// <summary>How often a cohort is re-formed; the value is the period in weeks.</summary>
public enum ReformationCadence
{
    /// <summary>Every week.</summary>
    Weekly = 1,

    /// <summary>Every four weeks.</summary>
    Monthly = 4,

    /// <summary>Every thirteen weeks.</summary>
    Quarterly = 13,
}
