using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation.Discovery;

/// <summary>Validates <see cref="DiscoveryOptions"/> for DI and for the constructor, both listing every failure.</summary>
internal sealed class DiscoveryOptionsValidator : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(DiscoveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(DiscoveryOptions o)
    {
        if (o.K is < 0 or 1) { yield return new(nameof(o.K), o.K, "K must be 0 (automatic) or at least 2."); }
        if (o.MinK < 2) { yield return new(nameof(o.MinK), o.MinK, "MinK must be at least 2."); }
        if (o.MaxK < o.MinK) { yield return new(nameof(o.MaxK), o.MaxK, "MaxK must be at least MinK."); }
        if (o.SilhouetteSample < 10) { yield return new(nameof(o.SilhouetteSample), o.SilhouetteSample, "SilhouetteSample must be at least 10."); }
        if (o.Restarts < 1) { yield return new(nameof(o.Restarts), o.Restarts, "Restarts must be at least 1."); }
        if (o.MaxIterations < 1) { yield return new(nameof(o.MaxIterations), o.MaxIterations, "MaxIterations must be at least 1."); }
        if (!(o.Tolerance >= 0 && double.IsFinite(o.Tolerance))) { yield return new(nameof(o.Tolerance), o.Tolerance, "Tolerance must be finite and at least 0."); }
        if (o.ProfileSize < 1) { yield return new(nameof(o.ProfileSize), o.ProfileSize, "ProfileSize must be at least 1."); }
        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (o.MaxDegreeOfParallelism < 1) { yield return new(nameof(o.MaxDegreeOfParallelism), o.MaxDegreeOfParallelism, "MaxDegreeOfParallelism must be at least 1."); }
    }
}
