namespace CohortKit.Datasets.Oulad;

/// <summary>OULAD's <c>final_result</c> of a registration.</summary>
public enum OuladFinalResult
{
    /// <summary><c>Pass</c>.</summary>
    Pass = 0,

    /// <summary><c>Distinction</c>.</summary>
    Distinction = 1,

    /// <summary><c>Fail</c>.</summary>
    Fail = 2,

    /// <summary><c>Withdrawn</c>: the churn event.</summary>
    Withdrawn = 3,
}
