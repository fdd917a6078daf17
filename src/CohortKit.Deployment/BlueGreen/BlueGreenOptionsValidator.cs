using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.BlueGreen;

/// <summary>Validates <see cref="BlueGreenOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class BlueGreenOptionsValidator : IValidateOptions<BlueGreenOptions>
{
    public ValidateOptionsResult Validate(string? name, BlueGreenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(BlueGreenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(BlueGreenOptions o)
    {
        if (o.ProbeInterval <= TimeSpan.Zero) { yield return new(nameof(o.ProbeInterval), o.ProbeInterval, "ProbeInterval must be positive."); }
        if (o.SuccessThreshold < 1) { yield return new(nameof(o.SuccessThreshold), o.SuccessThreshold, "SuccessThreshold must be at least 1."); }
        if (o.FailureThreshold < 1) { yield return new(nameof(o.FailureThreshold), o.FailureThreshold, "FailureThreshold must be at least 1."); }
        if (o.HealthGateTimeout <= TimeSpan.Zero) { yield return new(nameof(o.HealthGateTimeout), o.HealthGateTimeout, "HealthGateTimeout must be positive."); }
        if (o.BakeTime < TimeSpan.Zero) { yield return new(nameof(o.BakeTime), o.BakeTime, "BakeTime must not be negative."); }
        if (o.DrainTimeout <= TimeSpan.Zero) { yield return new(nameof(o.DrainTimeout), o.DrainTimeout, "DrainTimeout must be positive."); }
    }
}
