using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Progression;

/// <summary>Validates <see cref="ProgressionOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class ProgressionOptionsValidator : IValidateOptions<ProgressionOptions>
{
    public ValidateOptionsResult Validate(string? name, ProgressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(ProgressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(ProgressionOptions o)
    {
        if (o.PeriodDays < 1) { yield return new(nameof(o.PeriodDays), o.PeriodDays, "PeriodDays must be at least 1."); }
        if (o.OnboardingPeriods < 0) { yield return new(nameof(o.OnboardingPeriods), o.OnboardingPeriods, "OnboardingPeriods cannot be negative."); }
        if (o.ChurnAfterInactivePeriods < 1) { yield return new(nameof(o.ChurnAfterInactivePeriods), o.ChurnAfterInactivePeriods, "ChurnAfterInactivePeriods must be at least 1."); }
        if (o.ScoreLookbackPeriods < 1) { yield return new(nameof(o.ScoreLookbackPeriods), o.ScoreLookbackPeriods, "ScoreLookbackPeriods must be at least 1."); }
        if (!double.IsFinite(o.StrugglingBelow) || !double.IsFinite(o.MasteringAtLeast) || o.StrugglingBelow > o.MasteringAtLeast)
        {
            yield return new(nameof(o.StrugglingBelow), o.StrugglingBelow, $"StrugglingBelow ({o.StrugglingBelow}) and MasteringAtLeast ({o.MasteringAtLeast}) must be finite with StrugglingBelow <= MasteringAtLeast.");
        }

        if (!(o.PseudoCount >= 0 && double.IsFinite(o.PseudoCount))) { yield return new(nameof(o.PseudoCount), o.PseudoCount, "PseudoCount must be finite and non-negative."); }
        if (!(o.CovariateL2 >= 0 && double.IsFinite(o.CovariateL2))) { yield return new(nameof(o.CovariateL2), o.CovariateL2, "CovariateL2 must be finite and non-negative."); }
    }
}
