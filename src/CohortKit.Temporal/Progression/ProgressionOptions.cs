namespace CohortKit.Temporal.Progression;

/// <summary>The state rules and the estimator settings of <see cref="ProgressionModel"/>.</summary>
public sealed class ProgressionOptions
{
    /// <summary>Gets or sets the period length in days, counted from each learner's signup day.</summary>
    /// <value>The default value is 7.</value>
    public int PeriodDays { get; set; } = 7;

    /// <summary>Gets or sets how many first periods an active learner is <see cref="LearnerState.Onboarding"/>.</summary>
    /// <value>The default value is 1.</value>
    public int OnboardingPeriods { get; set; } = 1;

    /// <summary>Gets or sets the run of inactive periods that makes a learner <see cref="LearnerState.Churned"/>.</summary>
    /// <value>The default value is 3.</value>
    public int ChurnAfterInactivePeriods { get; set; } = 3;

    /// <summary>Gets or sets how many periods (this one included) the mean assessment score looks back over.</summary>
    /// <value>The default value is 2.</value>
    public int ScoreLookbackPeriods { get; set; } = 2;

    /// <summary>Gets or sets the mean score below which an active learner is <see cref="LearnerState.Struggling"/>.</summary>
    /// <value>The default value is 50.</value>
    public double StrugglingBelow { get; set; } = 50;

    /// <summary>Gets or sets the mean score from which an active learner is <see cref="LearnerState.Mastering"/>.</summary>
    /// <value>The default value is 85.</value>
    public double MasteringAtLeast { get; set; } = 85;

    /// <summary>Gets or sets the pseudo-count added to every transition count before normalising (0 gives the maximum-likelihood
    /// estimate; an origin state never seen then keeps its learners).</summary>
    /// <value>The default value is 0.1.</value>
    public double PseudoCount { get; set; } = 0.1;

    /// <summary>Gets or sets the ridge penalty λ of <see cref="ProgressionModel.FitWithCovariates"/>: the log-likelihood minus
    /// (λ/2)·Σ slope² is maximised (intercepts are not penalised). 0 gives the maximum-likelihood estimate, which does not exist
    /// when the covariates separate the next states.</summary>
    /// <value>The default value is 0.</value>
    public double CovariateL2 { get; set; }

    /// <summary>A copy, so that an engine keeps the settings it validated whatever the caller changes later.</summary>
    internal ProgressionOptions Snapshot() => (ProgressionOptions)MemberwiseClone();
}
