using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.Lifetimes;

/// <summary>Validates <see cref="BgNbdOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class BgNbdOptionsValidator : IValidateOptions<BgNbdOptions>
{
    public ValidateOptionsResult Validate(string? name, BgNbdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(BgNbdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(BgNbdOptions o)
    {
        if (o.MaxIterations < 1) { yield return new(nameof(o.MaxIterations), o.MaxIterations, "MaxIterations must be ≥ 1."); }
        if (!(o.GradientTolerance is > 0 and < 1)) { yield return new(nameof(o.GradientTolerance), o.GradientTolerance, "GradientTolerance must be in (0, 1)."); }
    }
}
