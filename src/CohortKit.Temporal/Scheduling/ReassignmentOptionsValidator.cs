using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Scheduling;

/// <summary>Validates <see cref="ReassignmentOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class ReassignmentOptionsValidator : IValidateOptions<ReassignmentOptions>
{
    public ValidateOptionsResult Validate(string? name, ReassignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(ReassignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(ReassignmentOptions o)
    {
        if (o.HorizonWeeks is < (int)ReformationCadence.Quarterly or > 520) { yield return new(nameof(o.HorizonWeeks), o.HorizonWeeks, "HorizonWeeks must be in [13, 520]."); }
        if (o.Simulations is < 2 or > 10_000) { yield return new(nameof(o.Simulations), o.Simulations, "Simulations must be in [2, 10,000]."); }
        if (!(o.MoveCost >= 0 && double.IsFinite(o.MoveCost))) { yield return new(nameof(o.MoveCost), o.MoveCost, "MoveCost must be finite and non-negative."); }
        if (!(o.MinimumGain >= 0 && double.IsFinite(o.MinimumGain))) { yield return new(nameof(o.MinimumGain), o.MinimumGain, "MinimumGain must be finite and non-negative."); }
        if (!(o.Margin >= 0 && double.IsFinite(o.Margin))) { yield return new(nameof(o.Margin), o.Margin, "Margin must be finite and non-negative."); }
    }
}
