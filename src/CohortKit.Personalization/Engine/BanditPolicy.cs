namespace CohortKit.Personalization.Engine;

/// <summary>How a linear contextual bandit picks an action from each action's predicted reward and its uncertainty.</summary>
public enum BanditPolicy
{
    /// <summary>LinUCB (Li et al. 2010, disjoint model): the action with the largest <c>θᵀφ + α·√(φᵀA⁻¹φ)</c>; ties split uniformly.</summary>
    LinUcb,

    /// <summary>Linear Thompson sampling (Agrawal and Goyal 2013): the action with the largest draw from
    /// <c>N(θᵀφ, v²·φᵀA⁻¹φ)</c>.</summary>
    Thompson,

    /// <summary>Epsilon-greedy, the baseline: a uniformly random action with probability ε, else the largest <c>θᵀφ</c>.</summary>
    EpsilonGreedy,

    /// <summary>Uniformly random actions (a reference for regret and a uniform logging policy).</summary>
    Random,
}
