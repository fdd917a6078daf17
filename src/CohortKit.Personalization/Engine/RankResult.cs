namespace CohortKit.Personalization.Engine;

/// <summary>The decision of <see cref="Personalizer.Rank"/>: the action served, the probability with which it was served,
/// and the event id that <see cref="Personalizer.Reward"/> needs.</summary>
public sealed record RankResult
{
    /// <summary>Gets the event id (positive, unique per engine).</summary>
    public required long EventId { get; init; }

    /// <summary>Gets the id of the action served.</summary>
    public required string ActionId { get; init; }

    /// <summary>Gets the index of the action served in the list passed to <see cref="Personalizer.Rank"/>.</summary>
    public required int ActionIndex { get; init; }

    /// <summary>Gets the probability with which the action was served (1 for a baseline action in apprentice mode), for the
    /// interaction log and off-policy evaluation.</summary>
    public required double Propensity { get; init; }

    /// <summary>Gets the id of the action the engine's own policy chose (the served one, except in apprentice mode).</summary>
    public required string ModelActionId { get; init; }

    /// <summary>Gets the mode in which the decision was made.</summary>
    public required PersonalizerMode Mode { get; init; }

    /// <summary>φ of the served action: [1, context, action features].</summary>
    internal double[] Phi { get; init; } = [];

    /// <summary>When the reward stops being accepted and the default reward applies (UTC ticks).</summary>
    internal long DeadlineTicks { get; init; }
}
