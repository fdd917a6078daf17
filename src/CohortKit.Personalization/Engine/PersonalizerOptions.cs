namespace CohortKit.Personalization.Engine;

/// <summary>Settings of <see cref="Personalizer"/>.</summary>
public sealed class PersonalizerOptions
{
    /// <summary>Gets or sets the number of context features per decision (e.g. 5 or more learner attributes), at least 1.</summary>
    /// <value>The default value is 5.</value>
    public int ContextFeatures { get; set; } = 5;

    /// <summary>Gets or sets the number of features of each action, at least 0.</summary>
    /// <value>The default value is 0.</value>
    public int ActionFeatures { get; set; }

    /// <summary>Gets the policy and its exploration settings.</summary>
    /// <value>The default value is LinUCB with α = 0.5 and λ = 1.</value>
    public BanditPolicyOptions Policy { get; init; } = new();

    /// <summary>Gets or sets how long a decision waits for its reward; after that the <see cref="DefaultReward"/> is learned
    /// and a late reward is refused (as Azure Personalizer's reward wait time). Positive.</summary>
    /// <value>The default value is 10 minutes.</value>
    public TimeSpan RewardWaitTime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the reward learned for a decision whose reward did not arrive in time (finite).</summary>
    /// <value>The default value is 0.</value>
    public double DefaultReward { get; set; }

    /// <summary>Gets or sets the seed; each event's random choices come from (seed, event id), so they do not depend on threads.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets whether the engine starts in apprentice mode (it serves the caller's baseline action and learns).</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ApprenticeMode { get; set; }

    /// <summary>Gets or sets the agreement (share of the last <see cref="ApprenticeWindow"/> decisions where the engine's own
    /// choice equals the baseline's) at which apprentice mode switches to online, in (0, 1].</summary>
    /// <value>The default value is 0.9.</value>
    public double ApprenticeThreshold { get; set; } = 0.9;

    /// <summary>Gets or sets the number of recent decisions over which agreement is measured (at least 1); no switch happens
    /// before this many apprentice decisions.</summary>
    /// <value>The default value is 1,000.</value>
    public int ApprenticeWindow { get; set; } = 1000;

    /// <summary>A deep copy, so that an engine keeps the settings it validated.</summary>
    internal PersonalizerOptions Snapshot() => new()
    {
        ContextFeatures = ContextFeatures,
        ActionFeatures = ActionFeatures,
        Policy = Policy.Snapshot(),
        RewardWaitTime = RewardWaitTime,
        DefaultReward = DefaultReward,
        Seed = Seed,
        ApprenticeMode = ApprenticeMode,
        ApprenticeThreshold = ApprenticeThreshold,
        ApprenticeWindow = ApprenticeWindow,
    };

    /// <summary>The dimension of φ = [1, context, action features].</summary>
    internal int Dimension => 1 + ContextFeatures + ActionFeatures;
}
