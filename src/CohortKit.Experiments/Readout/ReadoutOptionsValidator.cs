using CohortKit.Hosting;
using Microsoft.Extensions.Options;

namespace CohortKit.Experiments.Readout;

/// <summary>Validates <see cref="ReadoutOptions"/>: one rule set for the DI path (<see cref="IValidateOptions{TOptions}"/>,
/// reporting every failure) and the direct path (<see cref="ThrowIfInvalid"/>, which names the first invalid option and lists them all).</summary>
internal sealed class ReadoutOptionsValidator : IValidateOptions<ReadoutOptions>
{
    public ValidateOptionsResult Validate(string? name, ReadoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OptionFailures.ToResult(Failures(options));
    }

    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's.</exception>
    public static void ThrowIfInvalid(ReadoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OptionFailures.ThrowIfAny(Failures(options));
    }

    public static IEnumerable<OptionFailure> Failures(ReadoutOptions o)
    {
        if (!(o.Alpha is > 0 and < 1)) { yield return new(nameof(o.Alpha), o.Alpha, "Alpha must be in (0, 1)."); }
        if (!(o.SrmThreshold is > 0 and < 1)) { yield return new(nameof(o.SrmThreshold), o.SrmThreshold, "SrmThreshold must be in (0, 1)."); }
        if (o.MaxSegments < 1) { yield return new(nameof(o.MaxSegments), o.MaxSegments, "MaxSegments must be at least 1."); }
        if (!Enum.IsDefined(o.Correction)) { yield return new(nameof(o.Correction), o.Correction, "Correction is not a defined value."); }
        if (!Enum.IsDefined(o.Test)) { yield return new(nameof(o.Test), o.Test, "Test is not a defined value."); }
    }
}
