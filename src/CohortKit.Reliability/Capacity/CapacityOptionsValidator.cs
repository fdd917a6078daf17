using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Reliability.Capacity;

/// <summary>Validates <see cref="CapacityOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class CapacityOptionsValidator : IValidateOptions<CapacityOptions>
{
    public ValidateOptionsResult Validate(string? name, CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(CapacityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(CapacityOptions o)
    {
        if (!(o.WaitQuantile is > 0 and < 1)) { yield return new(nameof(o.WaitQuantile), o.WaitQuantile, "WaitQuantile must be strictly between 0 and 1."); }
        if (!(double.IsFinite(o.Headroom) && o.Headroom >= 1)) { yield return new(nameof(o.Headroom), o.Headroom, "Headroom must be finite and at least 1."); }
        if (o.MaxServers < 1) { yield return new(nameof(o.MaxServers), o.MaxServers, "MaxServers must be at least 1."); }
        foreach (var (name, price) in new[] { (nameof(o.OnDemandPricePerHour), o.OnDemandPricePerHour), (nameof(o.ReservedPricePerHour), o.ReservedPricePerHour), (nameof(o.SpotPricePerHour), o.SpotPricePerHour) })
        {
            if (!(double.IsFinite(price) && price >= 0)) { yield return new(name, price, $"{name} must be finite and not negative."); }
        }

        if (!(o.ReservedShare is >= 0 and <= 1)) { yield return new(nameof(o.ReservedShare), o.ReservedShare, "ReservedShare must be in [0, 1]."); }
        if (!(o.SpotShareOfHeadroom is >= 0 and <= 1)) { yield return new(nameof(o.SpotShareOfHeadroom), o.SpotShareOfHeadroom, "SpotShareOfHeadroom must be in [0, 1]."); }
    }
}
