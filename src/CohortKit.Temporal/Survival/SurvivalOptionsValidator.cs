using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Survival;

/// <summary>Validates <see cref="SurvivalOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class SurvivalOptionsValidator : IValidateOptions<SurvivalOptions>
{
    public ValidateOptionsResult Validate(string? name, SurvivalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(SurvivalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(SurvivalOptions o)
    {
        if (!(o.ConfidenceLevel is > 0 and < 1)) { yield return new(nameof(o.ConfidenceLevel), o.ConfidenceLevel, "ConfidenceLevel must be in (0, 1)."); }
    }
}
