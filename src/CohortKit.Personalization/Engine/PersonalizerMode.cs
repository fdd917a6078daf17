namespace CohortKit.Personalization.Engine;

/// <summary>What <see cref="Personalizer.Rank"/> serves.</summary>
public enum PersonalizerMode
{
    /// <summary>The engine's own policy chooses.</summary>
    Online,

    /// <summary>The caller's baseline action is served while the engine learns from its rewards; the engine switches to
    /// <see cref="Online"/> once its own choices agree with the baseline's often enough.</summary>
    Apprentice,
}
