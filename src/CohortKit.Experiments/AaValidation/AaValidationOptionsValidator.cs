using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.AaValidation;

/// <summary>Validates <see cref="AaValidationOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>,
/// reporting every failure) and the direct path (<see cref="ThrowIfInvalid"/>, which names the first invalid option and lists them all).</summary>
internal sealed class AaValidationOptionsValidator : IValidateOptions<AaValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, AaValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(AaValidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(AaValidationOptions o)
    {
        const int Resolution = 65_536;
        if (o.Iterations is < 1 or > AaValidationOptions.MaxIterations) { yield return new(nameof(o.Iterations), o.Iterations, $"Iterations must be in [1, {AaValidationOptions.MaxIterations:N0}]."); }
        if (!(o.Split is > 0 and < 1) || Math.Round(o.Split * Resolution) is < 1 or > Resolution - 1)
        {
            yield return new(nameof(o.Split), o.Split, "Split must be in [1/65,536, 65,535/65,536], the assignment's resolution.");
        }

        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.ConfidenceLevel is > 0 and < 1)) { yield return new(nameof(o.ConfidenceLevel), o.ConfidenceLevel, "ConfidenceLevel must be in (0, 1)."); }
        if (!(o.Power > o.Alpha && o.Power < 1))
        {
            yield return new(nameof(o.Power), o.Power, $"Power ({o.Power}) must be in (Alpha = {o.Alpha}, 1): the minimum detectable effect is reported at this power, which must exceed alpha.");
        }

        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
