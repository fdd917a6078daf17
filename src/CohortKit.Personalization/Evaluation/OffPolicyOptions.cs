using CohortKit.Personalization.Engine;

namespace CohortKit.Personalization.Evaluation;

/// <summary>Settings of <see cref="OffPolicyEvaluator"/>.</summary>
public sealed class OffPolicyOptions
{
    /// <summary>Gets or sets α: the intervals have confidence 1 − α, in (0, 1).</summary>
    /// <value>The default value is 0.05.</value>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the number of cross-fitting folds (at least 2): the reward model and a built-in candidate policy
    /// used for a row are fitted on the other folds only.</summary>
    /// <value>The default value is 5.</value>
    public int Folds { get; set; } = 5;

    /// <summary>Gets or sets λ of the doubly-robust estimator's ridge reward model per action (finite, above 0).</summary>
    /// <value>The default value is 1.</value>
    public double RewardModelRegularization { get; set; } = 1;

    /// <summary>Gets or sets the seed of the fold assignment.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>A copy, so that the evaluator keeps the settings it validated.</summary>
    internal OffPolicyOptions Snapshot() => (OffPolicyOptions)MemberwiseClone();
}
