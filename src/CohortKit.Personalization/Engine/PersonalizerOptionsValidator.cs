using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Engine;

/// <summary>Validates <see cref="PersonalizerOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class PersonalizerOptionsValidator : IValidateOptions<PersonalizerOptions>
{
    /// <summary>The largest supported φ dimension (A⁻¹ per action is dimension² doubles).</summary>
    public const int MaxDimension = 512;

    public ValidateOptionsResult Validate(string? name, PersonalizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(PersonalizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(PersonalizerOptions o)
    {
        if (o.ContextFeatures < 1) { yield return new(nameof(o.ContextFeatures), o.ContextFeatures, "ContextFeatures must be at least 1."); }
        if (o.ActionFeatures < 0) { yield return new(nameof(o.ActionFeatures), o.ActionFeatures, "ActionFeatures must be at least 0."); }
        if ((long)o.ContextFeatures + o.ActionFeatures + 1 > MaxDimension)
        {
            yield return new(nameof(o.ContextFeatures), o.ContextFeatures, $"ContextFeatures + ActionFeatures + 1 must be at most {MaxDimension}.");
        }

        if (o.Policy is null) { yield return new(nameof(o.Policy), null, "Policy is required."); }
        else
        {
            foreach (var f in o.Policy.Failures(nameof(o.Policy) + ".")) { yield return f; }
        }

        if (o.RewardWaitTime <= TimeSpan.Zero) { yield return new(nameof(o.RewardWaitTime), o.RewardWaitTime, "RewardWaitTime must be positive."); }
        if (!double.IsFinite(o.DefaultReward)) { yield return new(nameof(o.DefaultReward), o.DefaultReward, "DefaultReward must be finite."); }
        if (!(o.ApprenticeThreshold is > 0 and <= 1)) { yield return new(nameof(o.ApprenticeThreshold), o.ApprenticeThreshold, "ApprenticeThreshold must be in (0, 1]."); }
        if (o.ApprenticeWindow < 1) { yield return new(nameof(o.ApprenticeWindow), o.ApprenticeWindow, "ApprenticeWindow must be at least 1."); }
    }
}
