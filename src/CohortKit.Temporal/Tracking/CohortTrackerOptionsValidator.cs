using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Temporal.Tracking;

/// <summary>Validates <see cref="CohortTrackerOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class CohortTrackerOptionsValidator : IValidateOptions<CohortTrackerOptions>
{
    public ValidateOptionsResult Validate(string? name, CohortTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(CohortTrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(CohortTrackerOptions o)
    {
        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.CompositionThreshold >= 0 && double.IsFinite(o.CompositionThreshold))) { yield return new(nameof(o.CompositionThreshold), o.CompositionThreshold, "CompositionThreshold must be finite and non-negative."); }
        if (!(o.MetricThreshold >= 0 && double.IsFinite(o.MetricThreshold))) { yield return new(nameof(o.MetricThreshold), o.MetricThreshold, "MetricThreshold must be finite and non-negative."); }
    }
}
