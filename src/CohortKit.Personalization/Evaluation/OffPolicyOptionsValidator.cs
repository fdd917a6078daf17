using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Personalization.Evaluation;

/// <summary>Validates <see cref="OffPolicyOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class OffPolicyOptionsValidator : IValidateOptions<OffPolicyOptions>
{
    public ValidateOptionsResult Validate(string? name, OffPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(OffPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(OffPolicyOptions o)
    {
        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be strictly between 0 and 1."); }
        if (o.Folds < 2) { yield return new(nameof(o.Folds), o.Folds, "Folds must be at least 2."); }
        if (!(double.IsFinite(o.RewardModelRegularization) && o.RewardModelRegularization > 0))
        {
            yield return new(nameof(o.RewardModelRegularization), o.RewardModelRegularization, "RewardModelRegularization must be finite and above 0.");
        }
    }
}
