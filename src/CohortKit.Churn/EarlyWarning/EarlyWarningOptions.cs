namespace CohortKit.Churn.EarlyWarning;

/// <summary>Settings of <see cref="EarlyWarningDataBuilder"/>: what churn is and which window the early-warning label looks at.</summary>
public sealed class EarlyWarningOptions
{
    /// <summary>Gets or sets X: a learner with no activity for this many days has churned on the first inactive day.</summary>
    /// <value>The default value is 14.</value>
    public int InactivityDays { get; set; } = 14;

    /// <summary>Gets or sets the start of the label window: churn counts when it happens after as-of + this many days.</summary>
    /// <value>The default value is 7.</value>
    public int LeadStartDays { get; set; } = 7;

    /// <summary>Gets or sets the end of the label window: churn counts when it happens on or before as-of + this many days.</summary>
    /// <value>The default value is 14.</value>
    public int LeadEndDays { get; set; } = 14;

    /// <summary>Gets or sets the most categories of one attribute turned into indicator features (larger attributes are skipped).</summary>
    /// <value>The default value is 50.</value>
    public int MaxCategoriesPerAttribute { get; set; } = 50;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal EarlyWarningOptions Snapshot() => (EarlyWarningOptions)MemberwiseClone();
}
