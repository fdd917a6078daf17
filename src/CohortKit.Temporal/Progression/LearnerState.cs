namespace CohortKit.Temporal.Progression;

/// <summary>A learner's state in one period, from the rules of <see cref="ProgressionOptions"/>.</summary>
public enum LearnerState : byte
{
    /// <summary>Active in one of the first <see cref="ProgressionOptions.OnboardingPeriods"/> periods after signup.</summary>
    Onboarding = 0,

    /// <summary>Active, with no recent score or a middling one.</summary>
    Active = 1,

    /// <summary>Active, with a recent mean assessment score below <see cref="ProgressionOptions.StrugglingBelow"/>.</summary>
    Struggling = 2,

    /// <summary>Active, with a recent mean assessment score of at least <see cref="ProgressionOptions.MasteringAtLeast"/>.</summary>
    Mastering = 3,

    /// <summary>Inactive this period, for fewer than <see cref="ProgressionOptions.ChurnAfterInactivePeriods"/> periods in a row.</summary>
    Dormant = 4,

    /// <summary>Inactive for at least <see cref="ProgressionOptions.ChurnAfterInactivePeriods"/> periods in a row.</summary>
    Churned = 5,
}
