using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Deployment.Migrations;

/// <summary>Validates <see cref="MigrationOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class MigrationOptionsValidator : IValidateOptions<MigrationOptions>
{
    public ValidateOptionsResult Validate(string? name, MigrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(MigrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(MigrationOptions o)
    {
        if (o.BatchSize < 1) { yield return new(nameof(o.BatchSize), o.BatchSize, "BatchSize must be at least 1."); }
        if (o.BatchDelay < TimeSpan.Zero) { yield return new(nameof(o.BatchDelay), o.BatchDelay, "BatchDelay must not be negative."); }
        if (o.LockTimeout <= TimeSpan.Zero) { yield return new(nameof(o.LockTimeout), o.LockTimeout, "LockTimeout must be positive."); }
        if (o.MaxBackfillPasses < 1) { yield return new(nameof(o.MaxBackfillPasses), o.MaxBackfillPasses, "MaxBackfillPasses must be at least 1."); }
    }
}
