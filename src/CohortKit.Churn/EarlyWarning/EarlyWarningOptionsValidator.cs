using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Churn.EarlyWarning;

/// <summary>Validates <see cref="EarlyWarningOptions"/> for DI (every failure) and for the constructor (<see cref="ThrowIfInvalid"/>).</summary>
internal sealed class EarlyWarningOptionsValidator : IValidateOptions<EarlyWarningOptions>
{
    public ValidateOptionsResult Validate(string? name, EarlyWarningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(EarlyWarningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(EarlyWarningOptions o)
    {
        if (o.InactivityDays is < 1 or > 3650) { yield return new(nameof(o.InactivityDays), o.InactivityDays, "InactivityDays must be in [1, 3650]."); }
        if (o.LeadStartDays is < 0 or > 3650) { yield return new(nameof(o.LeadStartDays), o.LeadStartDays, "LeadStartDays must be in [0, 3650]."); }
        if (o.LeadEndDays <= o.LeadStartDays || o.LeadEndDays > 3650) { yield return new(nameof(o.LeadEndDays), o.LeadEndDays, "LeadEndDays must be greater than LeadStartDays and at most 3650."); }
        if (o.MaxCategoriesPerAttribute < 0) { yield return new(nameof(o.MaxCategoriesPerAttribute), o.MaxCategoriesPerAttribute, "MaxCategoriesPerAttribute must be ≥ 0."); }
    }
}
