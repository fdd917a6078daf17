namespace CohortKit.Churn.EarlyWarning;

/// <summary>The early-warning labels as of one date (from <see cref="EarlyWarningDataBuilder.Labels"/>).</summary>
public sealed record EarlyWarningLabels
{
    /// <summary>Gets the as-of date.</summary>
    public required DateOnly AsOf { get; init; }

    /// <summary>Gets, per learner row, whether the learner is in the population: signed up on or before the as-of date and
    /// not churned by as-of + <see cref="EarlyWarningOptions.LeadStartDays"/>.</summary>
    public required ReadOnlyMemory<bool> Eligible { get; init; }

    /// <summary>Gets, per learner row, whether the learner churns in (as-of + lead start, as-of + lead end] (false when not eligible).</summary>
    public required ReadOnlyMemory<bool> Churns { get; init; }

    /// <summary>Gets, per learner row, the days from the as-of date to the churn day (the lead time of a true alert), or −1 when
    /// the learner does not churn within the data. A learner who churned before the as-of date also has a negative value here,
    /// but is never <see cref="Eligible"/>: only eligible rows give meaningful values.</summary>
    public required ReadOnlyMemory<int> DaysToChurn { get; init; }
}
