namespace CohortKit.Temporal.Scheduling;

/// <summary>Settings of <see cref="ReassignmentScheduler"/>.</summary>
public sealed class ReassignmentOptions
{
    /// <summary>Gets or sets how many weeks ahead each cadence is simulated (at least 13, so that quarterly re-forms once).</summary>
    /// <value>The default value is 26.</value>
    public int HorizonWeeks { get; set; } = 26;

    /// <summary>Gets or sets how many simulated futures each cadence is scored on (at least 2, for a standard error).</summary>
    /// <value>The default value is 6.</value>
    public int Simulations { get; set; } = 6;

    /// <summary>Gets or sets the disruption cost of moving one member, in similarity-weeks (a member's mean similarity to its
    /// cohort-mates, summed over weeks): a cadence's value is Σ similarity − MoveCost × moves, per member-week. Re-forming from
    /// scratch moves many members even when features barely change (a 240-learner population re-formed weekly under a fast
    /// random walk moved 45 % of its members a week for 0.05 more similarity than monthly), so a cost much above 0.15 rules
    /// weekly out for any drift.</summary>
    /// <value>The default value is 0.1.</value>
    public double MoveCost { get; set; } = 0.1;

    /// <summary>Gets or sets how many standard errors a more frequent cadence must gain over a less frequent one to be chosen.</summary>
    /// <value>The default value is 2.</value>
    public double Margin { get; set; } = 2;

    /// <summary>Gets or sets the smallest gain in value per member-week (similarity units) worth re-forming more often for, as
    /// <see cref="Experiments.Drift.MeasurementDrift"/> flags a change only above a threshold and when significant.</summary>
    /// <value>The default value is 0.005.</value>
    public double MinimumGain { get; set; } = 0.005;

    /// <summary>Gets or sets the seed of the simulated futures; the same seed gives the same schedule.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal ReassignmentOptions Snapshot() => (ReassignmentOptions)MemberwiseClone();
}
